"""Periodic reform reports (issue 9): DOCX from a Word template, PDF, XLSX annexes.

Editing the Word template (for office staff)
--------------------------------------------
The shipped template is `cchc/reports/templates/reports/bao_cao_cchc.docx` (built by
`python -m cchc.reports.build_template`). To change wording, fonts, margins, the header
or the order of sections:

1. Copy the file, open the copy in Word or LibreOffice Writer, edit, save as .docx.
2. Keep the tags. Everything between `{{ … }}` is a figure filled in by the system;
   `{%tr for r in … %}` / `{%tr endfor %}` rows repeat a table row per line of data;
   `{%p for n in recipients %}` / `{%p endfor %}` repeat a paragraph. Type a tag in one
   go (Word may split it if you format half of it); you may format a whole tag. A figure
   carries the `num` filter (`{{ t.received|num }}` prints "1.189"; `|num(0)` rounds
   to whole đồng) — the same filter as the PDF template's (`numbers.figure`); keep it.
3. The administrator points `CCHC_REPORT_TEMPLATE` (settings / environment) at the copy
   and runs `render.template_unknown_tags()` (or a test report) — it lists any tag the
   report does not know, e.g. a mistyped one. A LibreOffice round trip of the shipped
   template is tested to render the same report (`tests/test_template.py`).

Tags (the names of `render.CONTEXT_NAMES`):

- Header (NĐ 30/2020/NĐ-CP, Phụ lục I): `parent_name`, `issuer_name`, `number`, `place`,
  `day`, `month`, `year`, `subject`, `title`, `snapshot` (time the figures were read),
  `recipients` (list), `signer_title`, `signer_name`, `unit_name`.
- I. Dossiers: `t.received`, `t.finished`, `t.on_time`, `t.late`, `t.pending`,
  `on_time_text`; rows `by_unit`, `by_sector` (`r.name`, `r.received`, `r.finished`,
  `r.on_time`, `r.late`, `r.pending`); `late_units` (`r.name`, `r.late_steps`,
  `r.overrun_working_days`); `apologies`.
- II. Index 766: `index_text`, `previous_label`, `previous_text`, `change_text`, `chart`
  (the trend picture), rows `rates` (`r.label`, `r.numerator`, `r.denominator`, `r.text`).
- III. Satisfaction: `s.rated`, `s.satisfied`, `s.normal`, `s.dissatisfied`,
  `s.complaints`.
- IV. One-stop floor: `floor.tickets`, `floor.served`, `floor.abandoned`, `floor.wait`,
  `floor.service` (minutes), `floor.rated`, `floor.satisfied` (%), `floor.peak`; rows
  `floor.by_counter`, `floor.by_officer`, `floor.by_sector`, `floor.by_hour` (`r.label`,
  `r.tickets`, `r.served`, `r.abandoned`, `r.wait`, `r.service`, `r.rated`,
  `r.satisfied`).
- V. Directive tasks: `d.due`, `d.done`, `d.done_on_time`, `d.not_on_time`, `d.overdue`.
- VI. Self-assessment: `assessment_text`.
- VII. Initiatives and simplification: `ini.count`, `ini.recognised`, `ini.applied`, rows
  `ini.rows` (`r.date`, `r.title`, `r.unit`, `r.status`); `proposals` (`r.title`, `r.unit`, `r.procedure`, `r.status`,
  `r.saving_per_year`, `r.saving_percent`), `proposal_saving`.
- VIII. Training and outreach: `tr.session_count`, `tr.invited`, `tr.present`,
  `tr.trained_people`, `tr.outreach_count`, `tr.reach`; rows `tr.sessions` (`r.date`,
  `r.topic`, `r.unit`, `r.invited`, `r.present`), `tr.outreach` (`r.date`, `r.kind`,
  `r.title`, `r.unit`, `r.reach`), `tr.by_kind` (`r.kind`, `r.count`, `r.reach`).
- IX. Weak points: `weaknesses` (`r.label`, `r.points_lost`, `r.action`).

Every figure comes from the same selectors as the dashboards (see `data.py`); the PDF
(`templates/reports/report_pdf.html`) prints the same context.
"""
