import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("behaviour", "0003_seed_school_categories_from_defaults")]

    operations = [
        migrations.RemoveField(model_name="incident", name="category"),
        migrations.RenameField(model_name="incident", old_name="category_ref", new_name="category"),
        migrations.AlterField(
            model_name="incident",
            name="category",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="incidents",
                to="behaviour.behaviourcategory",
            ),
        ),
    ]
