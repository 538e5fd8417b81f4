"""The composition root keeps the direction of imports: core, at the bottom,
imports no app above it (nor config, nor the demo), and no app imports the
demo, which depends on the domains. Function-level imports count too. The
whole order of the apps is import-linter's (pyproject.toml), run here too."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from coursemarket.config.schedule import periodic_jobs as configured_table
from coursemarket.core.checks import worker_configuration
from coursemarket.core.worker import periodic_jobs, worker_thread_classes
from coursemarket.notifications.delivery import OutboxSender

PACKAGE = Path(settings.PACKAGE_DIR)
APPS_ABOVE_CORE = {
    "accounts", "audit", "bookings", "catalog", "config", "demo", "notifications", "payments", "reviews",
    "scheduling", "schools", "web",
}  # fmt: skip


def imported_modules(source: str, *, package: str) -> set[str]:
    """Every name a module of `package` imports, at any level of nesting
    (inside functions too), with relative imports resolved."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0]
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found |= {name} | {f"{name}.{alias.name}" for alias in node.names}
    return found


def imports_of(path: Path) -> set[str]:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = ".".join(parts if path.name == "__init__.py" else parts[:-1])
    return imported_modules(path.read_text(encoding="utf-8"), package=package)


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE.name else None


def product_files(app: str) -> list[Path]:
    return [p for p in (PACKAGE / app).rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts]


def test_the_check_sees_relative_imports_and_imports_inside_functions():
    source = "from . import tasks\n\ndef jobs():\n    from ..bookings import tasks as booking_tasks\n"
    found = imported_modules(source, package="coursemarket.core")
    assert {"coursemarket.core.tasks", "coursemarket.bookings.tasks"} <= found
    assert {app_of(module) for module in found} == {"core", "bookings"}


def test_core_imports_no_app_above_it():
    crossings = sorted(
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in product_files("core")
        for module in imports_of(path)
        if app_of(module) in APPS_ABOVE_CORE
    )
    assert crossings == []


def test_no_app_imports_the_demo():
    crossings = sorted(
        f"{path.relative_to(PACKAGE)}: {module}"
        for app in sorted(APPS_ABOVE_CORE - {"demo"} | {"core"})
        for path in product_files(app)
        for module in imports_of(path)
        if app_of(module) == "demo"
    )
    assert crossings == []
    demo_modules = [p for p in PACKAGE.glob("*/demo*.py") if p.stem == "demo" or p.stem.startswith("demo_")]
    assert not demo_modules, "demo modules belong in coursemarket/demo/"


def test_the_worker_gets_its_jobs_and_threads_from_the_composition_root():
    assert worker_configuration() == []
    names = {name for name, _task, _every in periodic_jobs()}
    assert names == {name for name, _task, _every in configured_table()}
    assert {"bookings.expire_holds", "payments.reconcile", "schools.send_digests", "core.prune_finished_tasks"} <= names
    assert worker_thread_classes() == [OutboxSender]


def test_the_apps_keep_their_layers_and_no_module_cycles():
    """`lint-imports` (also in `make lint`): each app imports only the apps below
    it, private modules stay in their package, product code imports no tests,
    and no two modules of a package import each other."""
    root = PACKAGE.parent
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 kept, 0 broken" in result.stdout
