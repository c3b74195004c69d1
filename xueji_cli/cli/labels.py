"""What the registrar sees: Chinese labels for field names, and the option that sets
each field on the command line."""

FIELD = {
    "school": "学校", "code": "学校代码", "name": "姓名", "gender": "性别", "birth": "出生日期",
    "id_type": "证件类型", "id_number": "身份证号", "national_number": "全国学籍号",
    "local_number": "学籍号", "grade": "年级", "class": "班级", "class_no": "班级",
    "hukou_region": "户口所在地", "guardian_hukou_region": "监护人户口所在地",
    "residence_region": "现住地", "evidence": "证明材料", "date": "日期", "key": "学生",
    "ethnicity": "民族", "service_area": "服务范围", "type": "学校类型", "status": "学籍状态",
    "month": "月份", "central": "中心校", "year": "年份", "city": "市代码", "county": "县代码",
    "entry_year": "入学年份", "school_id": "学校", "kind": "学籍种类",
}

OPTION = {
    "school": "--school", "name": "--name", "gender": "--gender", "birth": "--birth",
    "id_number": "--id-number", "national_number": "--national-number", "grade": "--grade",
    "class": "--class", "hukou_region": "--hukou-region",
    "guardian_hukou_region": "--guardian-hukou-region", "residence_region": "--residence-region",
    "evidence": "--evidence", "date": "--date", "ethnicity": "--ethnicity", "id_type": "--id-type",
}


def field(name: str) -> str:
    return FIELD.get(name, name)


# --- intake (issue 3) ---
FIELD.update({"roster_file": "花名册文件", "sheet": "工作表", "template": "花名册格式"})
OPTION.update({"roster_file": "--from", "sheet": "--sheet", "template": "--template"})
