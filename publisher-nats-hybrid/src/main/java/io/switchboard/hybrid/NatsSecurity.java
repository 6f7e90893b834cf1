package io.switchboard.hybrid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the driver authenticates to NATS and whether it uses TLS. At most one of token, user/password and credentials
 * file may be set. Secrets never appear in {@link #toString()}.
 *
 * @param token              a server token ({@code authorization { token: ... }}), or {@code null}
 * @param username           a user name, with {@code password}, or {@code null}
 * @param password           the user's password, or {@code null}
 * @param credentialsFile    a {@code .creds} file (user JWT + NKey seed, decentralized auth), or {@code null}
 * @param tls                whether to connect with TLS (also implied by a {@code tls://} URL)
 * @param truststorePath     a trust store (JKS/PKCS12) for the server's certificate; {@code null}: the JVM's default
 * @param truststorePassword its password, or {@code null}
 * @param keystorePath       a key store with a client certificate (mutual TLS), or {@code null}
 * @param keystorePassword   its password, or {@code null}
 */
public record NatsSecurity(String token, String username, String password, Path credentialsFile, boolean tls,
        Path truststorePath, String truststorePassword, Path keystorePath, String keystorePassword) {

    /** No authentication, no TLS. */
    public static final NatsSecurity NONE = new NatsSecurity(null, null, null, null, false, null, null, null, null);

    public NatsSecurity {
        token = blankToNull(token);
        username = blankToNull(username);
        password = blankToNull(password);
        truststorePassword = blankToNull(truststorePassword);
        keystorePassword = blankToNull(keystorePassword);
    }

    public static NatsSecurity token(String token) {
        return new NatsSecurity(token, null, null, null, false, null, null, null, null);
    }

    public static NatsSecurity userPassword(String username, String password) {
        return new NatsSecurity(null, username, password, null, false, null, null, null, null);
    }

    public static NatsSecurity credentials(Path credentialsFile) {
        return new NatsSecurity(null, null, null, credentialsFile, false, null, null, null, null);
    }

    public NatsSecurity withTls(Path truststorePath, String truststorePassword) {
        return new NatsSecurity(token, username, password, credentialsFile, true, truststorePath,
                truststorePassword, keystorePath, keystorePassword);
    }

    public NatsSecurity withClientCertificate(Path keystorePath, String keystorePassword) {
        return new NatsSecurity(token, username, password, credentialsFile, true, truststorePath,
                truststorePassword, keystorePath, keystorePassword);
    }

    /** Adds each problem, named by its property under {@code prefix}. */
    void validate(String prefix, List<String> problems) {
        int methods = (token != null ? 1 : 0) + (username != null || password != null ? 1 : 0)
                + (credentialsFile != null ? 1 : 0);
        if (methods > 1) {
            problems.add(prefix + ".token, " + prefix + ".username/password and " + prefix + ".credentials-file are "
                    + "alternatives: set only one");
        }
        if ((username == null) != (password == null)) {
            problems.add(prefix + ".username and " + prefix + ".password must be set together");
        }
        if (credentialsFile != null && !Files.isReadable(credentialsFile)) {
            problems.add(prefix + ".credentials-file " + credentialsFile + " is not a readable file");
        }
        if (truststorePath != null && !Files.isReadable(truststorePath)) {
            problems.add(prefix + ".tls.truststore " + truststorePath + " is not a readable file");
        }
        if (keystorePath != null && !Files.isReadable(keystorePath)) {
            problems.add(prefix + ".tls.keystore " + keystorePath + " is not a readable file");
        }
    }

    /** The authentication method in use, without any secret. */
    public String describe() {
        String auth = token != null ? "token" : username != null ? "user " + username
                : credentialsFile != null ? "credentials file " + credentialsFile : "none";
        return "auth=" + auth + ", tls=" + tls;
    }

    @Override
    public String toString() {
        return "NatsSecurity[" + describe() + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
