import threading

from django.core.management.base import BaseCommand

from advice.smtp import make_controller


class Command(BaseCommand):
    help = "Receive advice questions by email: an SMTP server for the hubs' advice addresses."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args, host, port, **options):
        controller = make_controller(host, port)
        controller.start()
        self.stdout.write(f"Advice mail receiver listening on {host}:{port}; Ctrl-C stops it.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
