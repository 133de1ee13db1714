from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from tandem.people.languages import LANGUAGES


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    language = apps.get_model("people", "Language")
    language.objects.bulk_create(
        [language(code=code, name=name) for code, name in LANGUAGES], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
