/**
 * What `kube-root-ca.crt` holds when local-cluster serves plain HTTP and so has no CA: a fixed self-signed
 * certificate (CN=local-cluster-placeholder-ca, valid until 2126, its private key discarded when it was made),
 * so that whatever reads `ca.crt` finds a well-formed PEM certificate, as on every real cluster. Nothing is
 * signed by it; with `tls: true` the ConfigMap holds the CA that signed the serving certificate instead.
 */
export const PLACEHOLDER_CA_CERT = `-----BEGIN CERTIFICATE-----
MIIBpjCCAUugAwIBAgIUcV5smJ/QpBNAVMs0xzruDtb4Z88wCgYIKoZIzj0EAwIw
JzElMCMGA1UEAwwcbG9jYWwtY2x1c3Rlci1wbGFjZWhvbGRlci1jYTAgFw0yNjEy
MDUxNjI4MjJaGA8yMTI2MTExMTE2MjgyMlowJzElMCMGA1UEAwwcbG9jYWwtY2x1
c3Rlci1wbGFjZWhvbGRlci1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNrm
JSxpWZ/Yh25cxBYkdf96G3kJgFoanu37yv+p9yuknxF7G/B3UAK57BL74LNJcUHv
KnttwZYrCYRG6D3w4NajUzBRMB0GA1UdDgQWBBTX8dkNo6qKn8gh15WPrsxfNC1V
ezAfBgNVHSMEGDAWgBTX8dkNo6qKn8gh15WPrsxfNC1VezAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0kAMEYCIQCS0y1mxdS6qAgdUqoXnwFdEgYs5aMsAtPI
AuFgRKCeGAIhAL6+jyziKA3M9qGLAjs8I3X6mUpYZBniCSkKm3KKtbpr
-----END CERTIFICATE-----
`;
