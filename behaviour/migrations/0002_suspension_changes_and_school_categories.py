
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('behaviour', '0001_behaviour_log_report_cards_suspensions'),
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='suspension',
            name='leaves_roll_on',
            field=models.DateField(blank=True, help_text="Permanent exclusion only: the last day the pupil is on the school's roll, once known (after the governors' review and the time allowed to ask for an independent review panel). Until then the pupil is marked E each school day.", null=True, verbose_name='last day on roll'),
        ),
        migrations.AddField(
            model_name='suspension',
            name='marked_through',
            field=models.DateField(blank=True, editable=False, help_text='The last day attendance was asked to mark E for.', null=True),
        ),
        migrations.AddField(
            model_name='suspension',
            name='updated_at',
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name='suspension',
            name='withdrawal_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='suspension',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='suspension',
            name='withdrawn_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='BehaviourCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='A fixed key for imports and reports; not shown to staff.', max_length=40)),
                ('name', models.CharField(max_length=100)),
                ('kind', models.CharField(blank=True, choices=[('positive', 'Positive'), ('negative', 'Negative'), ('observation', 'Observation')], help_text='The kind of entry it is offered for; blank for any kind.', max_length=12)),
                ('is_retired', models.BooleanField(default=False, help_text='Retired categories stay on past entries but are not offered.', verbose_name='retired')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Order in lists (smallest first).')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
            ],
            options={
                'verbose_name_plural': 'behaviour categories',
                'ordering': ['position', 'name'],
            },
        ),
        # The old code column gets a default so that undoing 0004 can add it back to a table with rows.
        migrations.AlterField(
            model_name='incident',
            name='category',
            field=models.CharField(blank=True, default='', max_length=20),
        ),
        migrations.AddField(
            model_name='incident',
            name='category_ref',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='behaviour.behaviourcategory'),
        ),
        migrations.AddConstraint(
            model_name='behaviourcategory',
            constraint=models.UniqueConstraint(fields=('organisation', 'code'), name='behaviour_category_unique_code'),
        ),
        migrations.AddConstraint(
            model_name='behaviourcategory',
            constraint=models.UniqueConstraint(fields=('organisation', 'name'), name='behaviour_category_unique_name'),
        ),
    ]
