from django.db import migrations

# A frozen copy would be safer against later edits of formdefs; the definitions are data
# that administrators may edit afterwards, so only missing ones are inserted.
from cchc.portal.formdefs import DEFAULT_FORMS


def forwards(apps, schema_editor):
    ApplicationForm = apps.get_model("portal", "ApplicationForm")
    for item in DEFAULT_FORMS:
        ApplicationForm.objects.get_or_create(
            procedure_code=item["procedure_code"],
            defaults={
                "title": item["title"],
                "form_reference": item["form_reference"],
                "component_order": item["component_order"],
                "fields": item["fields"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
