#!/bin/sh
# The `s3` profile's one-shot job (compose service minio-init), safe to repeat: creates the bucket, and the
# service user whose keys are in the secret s3_credentials (the app, the workers and the backup use them) with
# a policy that reaches that bucket only. The root user (secrets access_key / secret_key) stays with this job
# and MinIO itself. Plain sh: the MinIO image has no grep, sed or awk.
set -eu
secrets=${SECRETS_DIR:-/run/secrets}
bucket=${S3_BUCKET:?S3_BUCKET is not set}
root_user=$(cat "$secrets/access_key")
user="" key=""
while IFS='= ' read -r name value; do
  case $name in
    aws_access_key_id) user=$value ;;
    aws_secret_access_key) key=$value ;;
  esac
done < "$secrets/s3_credentials"
if [ -z "$user" ] || [ -z "$key" ]; then
  echo "minio-init: secrets/s3_credentials has no aws_access_key_id / aws_secret_access_key: run deploy/make-secrets.sh" >&2
  exit 1
fi
if [ "$user" = "$root_user" ]; then
  echo "minio-init: secrets/s3_credentials holds MinIO's root user: rerun deploy/make-secrets.sh (it writes a service user's keys)" >&2
  exit 1
fi
mc alias set azs http://minio:9000 "$root_user" "$(cat "$secrets/secret_key")"
mc mb --ignore-existing "azs/$bucket"
policy=${TMPDIR:-/tmp}/azs-app-policy.json
cat > "$policy" <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
   "Resource": ["arn:aws:s3:::$bucket"]},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
                                 "s3:ListMultipartUploadParts"],
   "Resource": ["arn:aws:s3:::$bucket/*"]}]}
JSON
mc admin policy create azs azs-app "$policy"  # replaces the policy of that name: a changed bucket is picked up
mc admin user add azs "$user" "$key"  # an existing user gets the (possibly new) secret key
if ! out=$(mc admin policy attach azs azs-app --user "$user" 2>&1); then
  case $out in
    *already*) ;;  # attached by an earlier run
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
echo "minio-init: bucket $bucket and its service user $user are ready"
