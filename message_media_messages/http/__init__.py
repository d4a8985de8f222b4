"""HTTP plumbing: plain request/response data, auth, retry policy, and the one transport."""
