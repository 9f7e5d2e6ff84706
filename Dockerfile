# syntax=docker/dockerfile:1
# One image for every process (registry, branches, stations, partners, gateway, and the one-shot
# `xinqing` jobs); the command picks the process:
#   uvicorn <module>:create_app --factory --port <its XQ_*_PORT default>

# --- build: dependencies into a virtual environment, then the project (editable: its files under /app
#     are found where chassis.settings.PROJECT_ROOT expects them, e.g. deploy/contracts/agreements) ---
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
# dependencies first, so a code change does not reinstall them: exactly the runtime versions CI tested
# (requirements-runtime.lock, every package checked against its hash; `make lock` writes it)
COPY requirements-runtime.lock ./
RUN pip install --require-hashes -r requirements-runtime.lock
COPY pyproject.toml README.md ./
COPY chassis chassis
COPY contracts contracts
COPY services services
COPY gateway gateway
COPY xinqing xinqing
COPY deploy/contracts deploy/contracts
RUN pip install --no-deps --no-build-isolation -e . && python -m compileall -q /app

# --- runtime: the virtual environment and the project, run as an unprivileged user ---
FROM python:3.11-slim AS runtime
RUN groupadd --system --gid 10001 xinqing \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/xinqing --shell /usr/sbin/nologin xinqing \
    && mkdir -p /var/lib/xinqing/keys /var/lib/xinqing-backups \
    && chown -R 10001:10001 /var/lib/xinqing /var/lib/xinqing-backups
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XQ_HOST=0.0.0.0 \
    XQ_DATA_DIR=/var/lib/xinqing
USER 10001:10001
WORKDIR /var/lib/xinqing
EXPOSE 8000 8001 8002 8003 8004
CMD ["uvicorn", "gateway.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]
