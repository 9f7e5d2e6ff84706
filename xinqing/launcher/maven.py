"""Jars from Maven Central, fetched once into the cache: Kafka's (deploy/kafka/pom.xml) and Zipkin's
(deploy/zipkin/pom.xml). Each POM pins its artifacts by a version property that the settings override;
maven-dependency-plugin copies them into a directory outside the repo.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .errors import LaunchError

COPY_DEPENDENCIES = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies"


def copy_dependencies(pom: Path, version: tuple[str, str], into: Path, *, missing_mvn: str) -> str | None:
    """Copies the runtime dependencies of `pom`, with its version property `version` (name, value), into
    `into`. None when Maven succeeded; else why not, in a few words (a missing network says so).
    `missing_mvn` is the whole sentence when Maven itself is not installed."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise LaunchError(missing_mvn)
    into.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [mvn, "-B", "-q", "-f", str(pom), f"-D{version[0]}={version[1]}", COPY_DEPENDENCIES,
         "-DincludeScope=runtime", f"-DoutputDirectory={into}"],
        capture_output=True, text=True,
    )
    if done.returncode == 0:
        return None
    output = done.stdout + done.stderr
    if re.search(r"resolve|transfer|Unknown host|connect", output, re.IGNORECASE):
        return "no network to Maven Central?"
    return " ".join(output.strip().splitlines()[-1:]) or f"mvn exited with {done.returncode}"
