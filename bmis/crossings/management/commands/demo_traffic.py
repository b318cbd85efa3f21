"""`manage.py demo_traffic`: a year of synthetic crossings, for demonstrations and benchmarks."""

import secrets
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bmis.crossings.models import Crossing
from bmis.crossings.traffic import TrafficError, generate

try:  # a progress bar where tqdm is installed, plain lines otherwise
    from tqdm import tqdm
except ImportError:  # pragma: no cover - depends on the environment
    tqdm = None


class Command(BaseCommand):
    help = (
        "Add synthetic traffic: travellers of many nationalities with valid documents, and "
        "their entries and exits over the year ending now at Haiti's posts, written in bulk "
        "(a million crossings in minutes). Run load_reference first; counters, default stay "
        "rules and one demo officer and supervisor per post are created if missing. Running it "
        "again adds more traffic; the same --seed on the same database gives the same traffic."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--crossings",
            type=int,
            required=True,
            help="Number of crossings to add (about 3 per traveller).",
        )
        parser.add_argument(
            "--seed", type=int, help="Seed of the random draws (default: a random one)."
        )
        parser.add_argument(
            "--batch", type=int, default=20_000, help="Crossings per transaction (20000)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Add traffic only if no crossing is recorded yet (for `make demo`, run again).",
        )

    def handle(self, *args, crossings: int, seed: int | None, batch: int, **options):
        if crossings < 1 or batch < 1:
            raise CommandError("--crossings and --batch must be at least 1.")
        if options["if_empty"] and Crossing.objects.exists():
            if options["verbosity"] >= 1:
                self.stdout.write("Crossings are recorded already: no traffic added.")
            return
        seed = secrets.randbelow(1_000_000) if seed is None else seed
        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write(f"Generating {crossings} crossings with seed {seed}.")
        try:
            summary = generate(
                crossings=crossings,
                seed=seed,
                batch_size=batch,
                progress=self._progress(crossings) if verbose else None,
            )
        except TrafficError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(f"Nothing was generated: {'; '.join(exc.messages)}") from None
        finally:
            if getattr(self, "_bar", None) is not None:
                self._bar.close()
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {summary.crossings} crossings of {summary.persons} travellers "
                    f"({summary.shifts} shifts, {summary.cases} data-quality cases) from "
                    f"{summary.first_day} to {summary.last_day} in {summary.seconds} s "
                    f"(seed {summary.seed}, run {summary.run + 1})."
                )
            )
            if summary.counters_created or summary.users_created:
                self.stdout.write(
                    f"Created {summary.counters_created} counters and {summary.users_created} "
                    "demo officers and supervisors (random passwords: reset one to sign in)."
                )

    def _progress(self, total: int):
        self._bar = tqdm(total=total, unit="crossings", file=self.stderr) if tqdm else None
        started, done = time.monotonic(), [0]

        def report(written: int) -> None:
            if self._bar is not None:
                self._bar.update(written - done[0])
            else:
                elapsed = time.monotonic() - started
                self.stdout.write(
                    f"  {written:>9} / {total} crossings ({100 * written // total:3}%), "
                    f"{elapsed:.0f} s"
                )
            done[0] = written

        return report
