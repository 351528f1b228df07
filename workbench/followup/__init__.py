"""The follow-up after an inspection's report is published: its numbered recommendations
(``recommendations``), the force's action plans exchanged by spreadsheet (``plans``,
``plan_sheet``), the inspectors' quarterly assessments of progress on the scale held in
``resources/followup`` (``scale``, ``quarters``) and a re-inspection compared with its
baseline (``reinspection``). Every change is an audited edit."""
