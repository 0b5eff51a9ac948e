if set -q AWS_ACCESS_KEY_ID; set -e AWS_ACCESS_KEY_ID; end
if set -q AWS_CREDENTIAL_EXPIRATION; set -e AWS_CREDENTIAL_EXPIRATION; end
if set -q AWS_DEFAULT_PROFILE; set -e AWS_DEFAULT_PROFILE; end
set -gx AWS_DEFAULT_REGION 'us-west-2'
set -gx AWS_PROFILE 'it\'s mine'
set -gx AWS_REGION 'us-west-2'
if set -q AWS_SECRET_ACCESS_KEY; set -e AWS_SECRET_ACCESS_KEY; end
if set -q AWS_SECURITY_TOKEN; set -e AWS_SECURITY_TOKEN; end
if set -q AWS_SESSION_TOKEN; set -e AWS_SESSION_TOKEN; end
set -gx AWS_SSO_EXT_ACCOUNT '222222222222'
set -gx AWS_SSO_EXT_EXPIRATION '2099-01-01T00:00:00Z'
set -gx AWS_SSO_EXT_ROLE 'Admin’s'
set -gx AWS_SSO_EXT_SESSION 'https://d-1234567890.awsapps.com/start'
set -gx AWS_SSO_EXT_START_URL 'https://d-1234567890.awsapps.com/start'
set -gx AWS_SSO_EXT_TOKEN_FILE '~HOME~/.aws/sso/cache/7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json'
