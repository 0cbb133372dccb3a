from django.db import migrations


def fill(apps, schema_editor):
    # Units created before 0002 have an empty search_text; compute it as services do.
    from cchc.units.text import normalize_vn

    Unit = apps.get_model("units", "Unit")
    batch = []
    for unit in Unit.objects.filter(search_text="").iterator():
        parts = [unit.name, unit.short_name, unit.code, unit.admin_code, unit.agency_code]
        unit.search_text = "|".join(normalize_vn(p) for p in parts if p)[:512]
        batch.append(unit)
    Unit.objects.bulk_update(batch, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("units", "0002_unit_search_text")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
