from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = "Messages to families"

    def ready(self):
        from advice import signals as advice_signals
        from cc4c import govuk_notify
        from clinics import signals as clinic_signals
        from families import panels, receivers, services
        from population import panels_registry

        # Sent inside each action's transaction: the message is written with the change.
        clinic_signals.appointment_booked.connect(receivers.booked, dispatch_uid="families.booked")
        clinic_signals.appointment_moved.connect(receivers.moved, dispatch_uid="families.moved")
        clinic_signals.appointment_cancelled.connect(
            receivers.cancelled, dispatch_uid="families.cancelled"
        )
        clinic_signals.appointment_not_brought.connect(
            receivers.not_brought, dispatch_uid="families.not_brought"
        )
        clinic_signals.appointment_attended.connect(
            receivers.attended, dispatch_uid="families.attended"
        )
        advice_signals.request_answered.connect(
            receivers.advice_answered, dispatch_uid="families.advice_answered"
        )
        govuk_notify.on_final(services.message_finished)
        panels_registry.register(panels.child_panel)
