"""What the REST API and the web pages share: who is asking (keys, sessions, CSRF), role guards, the
one error shape and its translation, bounded parameters, rate limits. Both front ends import this
package; it imports neither of them."""
