# Sign-in attempts (success, failure, refused) replace the failed-login counter; its rows are kept as failures.

import ipaddress

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _network(ip_address):
    """The throttle's network: an IPv4 address, or an IPv6 address's /64 (as accounts.selectors.network_of)."""
    if not ip_address:
        return ""
    address = ipaddress.ip_address(ip_address)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def copy_failed_logins(apps, schema_editor):
    FailedLogin = apps.get_model("accounts", "FailedLogin")
    SignInAttempt = apps.get_model("accounts", "SignInAttempt")
    User = apps.get_model("accounts", "User")
    users = dict(User.objects.values_list("email", "pk"))
    SignInAttempt.objects.bulk_create(
        (
            SignInAttempt(
                email=failed.email,
                user_id=users.get(failed.email),
                outcome="failure",
                ip_address=failed.ip_address,
                network=_network(failed.ip_address),
                at=failed.at,
            )
            for failed in FailedLogin.objects.iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SignInAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.CharField(max_length=254)),
                ('outcome', models.CharField(choices=[('success', 'Signed in'), ('failure', 'Wrong e-mail address or password'), ('throttled', 'Refused: too many attempts')], max_length=10)),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                ('network', models.CharField(blank=True, max_length=50)),
                ('user_agent', models.CharField(blank=True, max_length=200)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sign_in_attempts', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RunPython(copy_failed_logins, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(
            name='FailedLogin',
        ),
        migrations.AddIndex(
            model_name='signinattempt',
            index=models.Index(fields=['email', 'at'], name='accounts_si_email_ce48c9_idx'),
        ),
        migrations.AddIndex(
            model_name='signinattempt',
            index=models.Index(fields=['email', 'network', 'at'], name='accounts_si_email_ea1a48_idx'),
        ),
        migrations.AddIndex(
            model_name='signinattempt',
            index=models.Index(fields=['user', 'at'], name='accounts_si_user_id_40dfd0_idx'),
        ),
        migrations.AddIndex(
            model_name='signinattempt',
            index=models.Index(fields=['at'], name='accounts_si_at_4f671f_idx'),
        ),
    ]
