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
    "entry_year": "入学年份", "school_id": "学校", "kind": "学籍种类", "file": "文件",
}

OPTION = {
    "school": "--school", "name": "--name", "gender": "--gender", "birth": "--birth",
    "id_number": "--id-number", "national_number": "--national-number", "grade": "--grade",
    "class": "--class", "hukou_region": "--hukou-region",
    "guardian_hukou_region": "--guardian-hukou-region", "residence_region": "--residence-region",
    "evidence": "--evidence", "date": "--date", "ethnicity": "--ethnicity", "id_type": "--id-type",
}

# --- suspension (issue 6) ---
FIELD.update({
    "from": "休学开始日", "until": "截止日期", "hospital": "医院",
    "central_approval": "中心校审批", "share_override": "超比例理由", "school_order": "学校休学决定",
    "remark": "备注", "cap_decision": "超额决定",
})
OPTION.update({
    "from": "--from", "until": "--until", "reason": "--reason", "hospital": "--hospital",
    "central_approval": "--central-approval", "share_override": "--share-override",
    "school_order": "--school-order", "approval": "--approval", "remark": "--remark",
    "cap_decision": "--cap-decision",
})
# borrowing (issue 5)
FIELD.update({
    "origin_school": "原学校", "origin_region": "原学校所在地", "origin_grade": "原学校年级",
    "host_school": "借读学校", "host_region": "借读学校所在地", "host_code": "借读学校",
    "letter": "借读证明信",
    "category": "记录类别", "text": "记录内容",
})
OPTION.update({
    "origin_school": "--origin-school", "origin_region": "--origin-region",
    "origin_grade": "--origin-grade", "host_school": "--to", "host_region": "--to-region",
    "host_code": "--to-school", "letter": "--letter",
    "category": "--kind", "text": "--text",
})
# --- the school year's turn and the rest of a record's life (issue 8) ---
FIELD.update({
    "to": "目标年级", "reason": "原因", "approval": "批准文件", "lawful_basis": "法定依据",
    "hold": "留级学生", "entry": "变动序号", "birth_date": "出生日期", "roster": "毕业生花名册",
    "cap_decision": "超额决定",
})
OPTION.update({
    "to": "--to", "reason": "--reason", "approval": "--approval", "lawful_basis": "--lawful-basis",
    "hold": "--hold", "year": "--year", "cap_decision": "--cap-decision",
})
# --- transfer (issue 4) ---
FIELD.update({
    "transfer_reason": "转学原因", "reason_detail": "具体情况", "approvals": "审批",
    "level": "审批级别", "case": "案件", "to_code": "转入学校", "to_school": "转入学校",
    "to_region": "转入学校所在地", "from_school": "原学校", "from_region": "原学校所在地",
    "from_file": "转学证明文件", "route": "转学线路", "xlsx": "文件", "sanction": "处分",
    "sanction_kind": "处分种类", "sanction_reason": "处分事由", "withdraw_reason": "撤回原因",
})
OPTION.update({
    "transfer_reason": "--reason", "reason_detail": "--reason-detail", "level": "--level",
    "to_code": "--to", "to_school": "--to-school", "to_region": "--to-region",
    "from_school": "--from-school", "from_region": "--from-region", "from_file": "--from-file",
    "xlsx": "--xlsx", "sanction_kind": "--kind", "sanction_reason": "--reason",
    "withdraw_reason": "--reason",
})


def field(name: str) -> str:
    return FIELD.get(name, name)


# --- intake (issue 3) ---
FIELD.update({"roster_file": "花名册文件", "sheet": "工作表", "template": "花名册格式", "errors_out": "问题表"})
OPTION.update({"roster_file": "--from", "sheet": "--sheet", "template": "--template",
               "errors_out": "--errors-out"})

# --- reports (issue 7) ---
FIELD.update({"as_of": "截至日期"})
OPTION.update({"as_of": "--as-of"})
