from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (
            models.Concern,
            models.Decision,
            models.Action,
            models.ActionDone,
            models.ConcernLink,
            models.ChronologyEntry,
            models.ProtectionStatus,
            models.SafeguardingSettings,
            models.Agency,
            models.Referral,
            models.ReferralUpdate,
            models.FileTransfer,
            models.TransferDownload,
            models.TransferReceipt,
            models.SafetyNetMeeting,
            models.MeetingAttendance,
            models.MeetingMinute,
            models.MeetingAction,
            models.MeetingActionDone,
            models.RetentionReview,
            models.SubjectAccessDecision,
            models.FileHold,
            models.FileDestruction,
        ):
            track(model)
        track(
            models.ConcernAttachment, exclude=("file",)
        )  # the stored name is random; the row says which file
        track(models.ReceivedFile, exclude=("rows", "pdf", "document"))  # the records stay in the file
        from . import registrations  # noqa: F401
