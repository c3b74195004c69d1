"""The registrar's words for the names of fields, and the command-line option that sets
each field: a refusal names the field and the option that would make it pass (STYLE.md).
One table for every layer — the command layer's messages and the core's own refusals
(e.g. records/transfer/incoming.py) read the same words.

The keys are the fields of Violation and InputError, and the columns of the journal's
details {"old", "new"}."""

FIELD = {
    # the child and the record
    "name": "姓名", "gender": "性别", "birth": "出生日期", "birth_date": "出生日期",
    "id_type": "证件类型", "id_number": "身份证号", "national_number": "全国学籍号",
    "local_number": "学籍号", "ethnicity": "民族", "hukou_region": "户口所在地",
    "guardian_hukou_region": "监护人户口所在地", "residence_region": "现住地",
    "school": "学校", "school_id": "学校", "grade": "年级", "class": "班级", "class_no": "班级",
    "entry_year": "入学年份", "kind": "学籍种类", "status": "学籍状态", "key": "学生",
    "evidence": "证明材料", "date": "日期", "remark": "备注", "reason": "原因",
    "guardian_name": "监护人", "guardian_phone": "监护人电话", "address": "现住址",
    "underage_commitment": "不足龄承诺书", "school_name": "学校名称", "destination": "前往地",
    "approver": "审批人", "doc_no": "文号", "special_reason": "特殊情况", "late_approval": "逾期审批",
    "approval": "批准文件", "cap_decision": "超额决定", "entry": "变动序号",
    # the directory and its schools
    "directory_name": "目录名称", "code": "学校代码", "type": "学校类型", "central": "中心校",
    "service_area": "服务范围",
    "city": "市代码", "county": "县代码", "year": "年份", "month": "月份",
    # files, rosters and reports
    "file": "文件", "xlsx": "文件", "roster_file": "花名册文件", "sheet": "工作表", "region_file": "区划表",
    "template": "花名册格式", "errors_out": "问题表", "as_of": "截至日期",
    # the school year's turn and leaving the register
    "to": "目标年级", "hold": "留级学生", "roster": "毕业生花名册", "lawful_basis": "法定依据",
    # the county's server
    "target_database": "目标数据库",
    # suspension
    "from": "休学开始日", "until": "截止日期", "hospital": "医院",
    "central_approval": "中心校审批", "share_override": "超比例理由", "school_order": "学校休学决定",
    # borrowing
    "origin_school": "原学校", "origin_region": "原学校所在地", "origin_grade": "原学校年级",
    "host_school": "借读学校", "host_region": "借读学校所在地", "host_code": "借读学校",
    "letter": "借读证明信", "category": "记录类别", "text": "记录内容",
    # transfer and sanctions
    "transfer_reason": "转学原因", "reason_detail": "具体情况", "approvals": "审批",
    "level": "审批级别", "case": "案件", "route": "转学线路", "to_code": "转入学校",
    "to_school": "转入学校", "to_region": "转入学校所在地", "from_school": "原学校",
    "from_region": "原学校所在地", "from_file": "转学证明文件", "withdraw_reason": "撤回原因",
    "sanction": "处分", "sanction_kind": "处分种类", "sanction_reason": "处分事由",
}

OPTION = {
    # the child and the record
    "name": "--name", "gender": "--gender", "birth": "--birth", "id_type": "--id-type",
    "id_number": "--id-number", "national_number": "--national-number",
    "ethnicity": "--ethnicity", "hukou_region": "--hukou-region",
    "guardian_hukou_region": "--guardian-hukou-region", "residence_region": "--residence-region",
    "school": "--school", "grade": "--grade", "class": "--class", "evidence": "--evidence",
    "date": "--date", "remark": "--remark", "reason": "--reason", "approval": "--approval",
    "cap_decision": "--cap-decision", "year": "--year", "guardian_name": "--guardian-name",
    "guardian_phone": "--guardian-phone", "address": "--address",
    "underage_commitment": "--underage-commitment", "destination": "--destination",
    "approver": "--approver", "doc_no": "--doc-no", "special_reason": "--special-reason",
    "late_approval": "--late-approval",
    # the directory
    "directory_name": "--name",
    # files, rosters and reports
    "xlsx": "--xlsx", "roster_file": "--from", "sheet": "--sheet", "template": "--template",
    "errors_out": "--errors-out", "as_of": "--as-of",
    # the school year's turn and leaving the register
    "to": "--to", "hold": "--hold", "lawful_basis": "--lawful-basis",
    "target_database": "--to",
    # suspension
    "from": "--from", "until": "--until", "hospital": "--hospital",
    "central_approval": "--central-approval", "share_override": "--share-override",
    "school_order": "--school-order",
    # borrowing
    "origin_school": "--origin-school", "origin_region": "--origin-region",
    "origin_grade": "--origin-grade", "host_school": "--to", "host_region": "--to-region",
    "host_code": "--to-school", "letter": "--letter", "category": "--kind", "text": "--text",
    # transfer and sanctions
    "transfer_reason": "--reason", "reason_detail": "--reason-detail", "level": "--level",
    "to_code": "--to", "to_school": "--to-school", "to_region": "--to-region",
    "from_school": "--from-school", "from_region": "--from-region", "from_file": "--from-file",
    "withdraw_reason": "--reason", "sanction_kind": "--kind", "sanction_reason": "--reason",
}


def field(name: str) -> str:
    """The registrar's word for a field (the name itself when the table has none)."""
    return FIELD.get(name, name)


def where(name: str) -> str:
    """A field and the option that sets it, as a refusal names them: `出生日期 --birth`."""
    return field(name) + (f" {OPTION[name]}" if name in OPTION else "")
