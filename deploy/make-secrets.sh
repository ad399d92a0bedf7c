#!/usr/bin/env bash
# Create the secret files compose.yaml mounts (./secrets), each random, readable only by its owner.
# Run once on the server; keep a copy of secrets/backup_key somewhere else: without it, backups cannot be read.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
mkdir -p secrets/tls
new() { [ -s "secrets/$1" ] || head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > "secrets/$1"; }
for name in db_password rabbitmq_password metrics_token backup_key admin_password grafana_password minio_root_password; do
  new "$name"
done
[ -s secrets/database_url ] || printf 'postgresql+psycopg://azs:%s@postgres:5432/azs' "$(cat secrets/db_password)" \
  > secrets/database_url
# The job broker: RabbitMQ reads its first user from a config fragment, the app the same password in a URL.
[ -s secrets/rabbitmq.conf ] || printf 'default_user = azs\ndefault_pass = %s\n' "$(cat secrets/rabbitmq_password)" \
  > secrets/rabbitmq.conf
[ -s secrets/broker_url ] || printf 'amqp://azs:%s@rabbitmq:5672/%%2F' "$(cat secrets/rabbitmq_password)" \
  > secrets/broker_url
# The `s3` profile's MinIO: its root user and password (MinIO and minio-init only), and the AWS credentials file
# boto3 reads in the app, the workers and the backup (AWS_SHARED_CREDENTIALS_FILE): a service user that minio-init
# creates with access to the bucket only. Written even when the profile is off: compose mounts it everywhere. A file
# you wrote for your own store is kept; one holding the root keys (written so before) gets a service user instead.
[ -s secrets/minio_root_user ] || printf 'azs' > secrets/minio_root_user
if [ ! -s secrets/s3_credentials ] || grep -qF "$(cat secrets/minio_root_password)" secrets/s3_credentials; then
  printf '[default]\naws_access_key_id = azs-app\naws_secret_access_key = %s\n' \
    "$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')" > secrets/s3_credentials
fi
chown -R 10001:10001 secrets/database_url secrets/broker_url secrets/metrics_token secrets/backup_key \
  secrets/admin_password secrets/s3_credentials 2>/dev/null \
  || echo "make-secrets: run as root (or chown to uid 10001) so the app's user can read its secrets" >&2
chown 999:999 secrets/rabbitmq.conf 2>/dev/null \
  || echo "make-secrets: run as root (or chown secrets/rabbitmq.conf to uid 999) so RabbitMQ can read it" >&2
chmod 644 secrets/metrics_token  # Prometheus (uid 65534) reads it too; it only opens /metrics
echo "secrets written to $(pwd)/secrets; put the TLS certificate into secrets/tls/cert.pem and key.pem"
