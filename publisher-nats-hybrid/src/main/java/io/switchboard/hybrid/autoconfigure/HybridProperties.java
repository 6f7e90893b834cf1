package io.switchboard.hybrid.autoconfigure;

import io.switchboard.hybrid.HybridDriverOptions;
import io.switchboard.hybrid.JetStreamOptions;
import io.switchboard.hybrid.NatsSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the hybrid driver, under {@code event.hybrid}. The Redis queue leg (the default) reads
 * {@code event.redis.*}. Defaults equal those of {@link HybridDriverOptions} and {@link JetStreamOptions}.
 */
@ConfigurationProperties(HybridDriverOptions.PREFIX)
public class HybridProperties {

    /** The queue leg: redis (Redis Streams, default), jetstream, or the name of another at-least-once driver. */
    private String queue = HybridDriverOptions.DEFAULT_QUEUE;

    /** Event type patterns also broadcast on NATS, e.g. security.>, alerts.*.triggered. */
    private List<String> realtime = new ArrayList<>();

    /** Groups whose subscriptions read NATS in a queue group (load-balanced live consumers, at-most-once). */
    private Set<String> liveGroups = new LinkedHashSet<>();

    /** fail-fast (default): an unreachable broker fails start-up; degraded: start and reconnect in the background. */
    private String startup = "fail-fast";

    private final Nats nats = new Nats();

    private final JetStream jetstream = new JetStream();

    public String getQueue() {
        return queue;
    }

    public void setQueue(String queue) {
        this.queue = queue;
    }

    public List<String> getRealtime() {
        return realtime;
    }

    public void setRealtime(List<String> realtime) {
        this.realtime = realtime;
    }

    public Set<String> getLiveGroups() {
        return liveGroups;
    }

    public void setLiveGroups(Set<String> liveGroups) {
        this.liveGroups = liveGroups;
    }

    public String getStartup() {
        return startup;
    }

    public void setStartup(String startup) {
        this.startup = startup;
    }

    public Nats getNats() {
        return nats;
    }

    public JetStream getJetstream() {
        return jetstream;
    }

    /** The driver options these settings describe; invalid values fail here, each named. */
    public HybridDriverOptions toOptions(String natsUrlFromEnvironment) {
        Tls tls = nats.getTls();
        NatsSecurity security = new NatsSecurity(nats.getToken(), nats.getUsername(), nats.getPassword(),
                nats.getCredentialsFile(), tls.isEnabled(), tls.getTruststore(), tls.getTruststorePassword(),
                tls.getKeystore(), tls.getKeystorePassword());
        return new HybridDriverOptions(nats.getUrl() != null ? nats.getUrl() : natsUrlFromEnvironment,
                nats.getSubjectPrefix(), HybridDriverOptions.parsePatterns(String.join(",", realtime)), liveGroups,
                HybridDriverOptions.Startup.parse(startup), security, nats.getConnectTimeout(),
                nats.getReconnectWait(), nats.getMaxReconnectWait());
    }

    public JetStreamOptions toJetStreamOptions() {
        return new JetStreamOptions(jetstream.getUrl(), jetstream.getSubjectPrefix(),
                JetStreamOptions.StreamMode.parse(jetstream.getStreamMode()), jetstream.getStreamPrefix(),
                jetstream.getStreamName(), jetstream.getDuplicateWindow(), jetstream.getAckWait(),
                jetstream.getMaxAckPending(), jetstream.getDeadLetterSubject(), jetstream.getDeadLetterStream(),
                jetstream.getReplicas());
    }

    /** The broadcast leg's connection. */
    public static class Nats {
        /** NATS server URL(s), comma-separated; default: the NATS_URL environment variable, else nats://127.0.0.1:4222. */
        private String url;
        /** Put before the event type to form the broadcast subject; empty: subject = type. */
        private String subjectPrefix = "";
        /** Server token. Never logged. */
        private String token;
        /** User name (with password). */
        private String username;
        /** Password. Never logged. */
        private String password;
        /** A .creds file (user JWT + NKey seed). */
        private Path credentialsFile;
        /** How long one connection attempt may take. */
        private Duration connectTimeout = Duration.ofSeconds(2);
        /** First wait between reconnection attempts; doubles up to max-reconnect-wait. */
        private Duration reconnectWait = Duration.ofMillis(250);
        /** Longest wait between reconnection attempts. */
        private Duration maxReconnectWait = Duration.ofSeconds(5);
        private final Tls tls = new Tls();

        public String getUrl() { return url; }

        public void setUrl(String url) { this.url = url; }

        public String getSubjectPrefix() { return subjectPrefix; }

        public void setSubjectPrefix(String subjectPrefix) { this.subjectPrefix = subjectPrefix; }

        public String getToken() { return token; }

        public void setToken(String token) { this.token = token; }

        public String getUsername() { return username; }

        public void setUsername(String username) { this.username = username; }

        public String getPassword() { return password; }

        public void setPassword(String password) { this.password = password; }

        public Path getCredentialsFile() { return credentialsFile; }

        public void setCredentialsFile(Path credentialsFile) { this.credentialsFile = credentialsFile; }

        public Duration getConnectTimeout() { return connectTimeout; }

        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }

        public Duration getReconnectWait() { return reconnectWait; }

        public void setReconnectWait(Duration reconnectWait) { this.reconnectWait = reconnectWait; }

        public Duration getMaxReconnectWait() { return maxReconnectWait; }

        public void setMaxReconnectWait(Duration maxReconnectWait) { this.maxReconnectWait = maxReconnectWait; }

        public Tls getTls() { return tls; }
    }

    /** TLS to NATS (also implied by a tls:// URL). */
    public static class Tls {
        /** Whether to connect with TLS. */
        private boolean enabled;
        /** Trust store for the server certificate; default: the JVM's. */
        private Path truststore;
        /** Trust store password. Never logged. */
        private String truststorePassword;
        /** Key store with a client certificate, for mutual TLS. */
        private Path keystore;
        /** Key store password. Never logged. */
        private String keystorePassword;

        public boolean isEnabled() { return enabled; }

        public void setEnabled(boolean enabled) { this.enabled = enabled; }

        public Path getTruststore() { return truststore; }

        public void setTruststore(Path truststore) { this.truststore = truststore; }

        public String getTruststorePassword() { return truststorePassword; }

        public void setTruststorePassword(String truststorePassword) { this.truststorePassword = truststorePassword; }

        public Path getKeystore() { return keystore; }

        public void setKeystore(Path keystore) { this.keystore = keystore; }

        public String getKeystorePassword() { return keystorePassword; }

        public void setKeystorePassword(String keystorePassword) { this.keystorePassword = keystorePassword; }
    }

    /** The JetStream queue leg (event.hybrid.queue=jetstream). */
    public static class JetStream {
        /** NATS server(s) for JetStream; default: the broadcast leg's. */
        private String url;
        /** First subject token of stored events (upper-case, never a type's context). */
        private String subjectPrefix = "SBQ";
        /** per-context (a stream per first type segment) or single. */
        private String streamMode = "per-context";
        /** Stream name prefix in per-context mode. */
        private String streamPrefix = "SB_";
        /** The stream in single mode. */
        private String streamName = "SWITCHBOARD";
        /** Publish-side dedup window: a re-publish with the same event id (Nats-Msg-Id) within it is dropped. */
        private Duration duplicateWindow = Duration.ofMinutes(2);
        /** How long a delivery may stay unacknowledged before redelivery (handlers in progress extend it). */
        private Duration ackWait = Duration.ofSeconds(30);
        /** Most unacknowledged deliveries per group consumer. */
        private int maxAckPending = 1000;
        /** Subject prefix of dead letters. */
        private String deadLetterSubject = "SBQ_DLQ";
        /** Stream holding dead letters. */
        private String deadLetterStream = "SB_DEAD_LETTERS";
        /** Stream replicas. */
        private int replicas = 1;

        public String getUrl() { return url; }

        public void setUrl(String url) { this.url = url; }

        public String getSubjectPrefix() { return subjectPrefix; }

        public void setSubjectPrefix(String subjectPrefix) { this.subjectPrefix = subjectPrefix; }

        public String getStreamMode() { return streamMode; }

        public void setStreamMode(String streamMode) { this.streamMode = streamMode; }

        public String getStreamPrefix() { return streamPrefix; }

        public void setStreamPrefix(String streamPrefix) { this.streamPrefix = streamPrefix; }

        public String getStreamName() { return streamName; }

        public void setStreamName(String streamName) { this.streamName = streamName; }

        public Duration getDuplicateWindow() { return duplicateWindow; }

        public void setDuplicateWindow(Duration duplicateWindow) { this.duplicateWindow = duplicateWindow; }

        public Duration getAckWait() { return ackWait; }

        public void setAckWait(Duration ackWait) { this.ackWait = ackWait; }

        public int getMaxAckPending() { return maxAckPending; }

        public void setMaxAckPending(int maxAckPending) { this.maxAckPending = maxAckPending; }

        public String getDeadLetterSubject() { return deadLetterSubject; }

        public void setDeadLetterSubject(String deadLetterSubject) { this.deadLetterSubject = deadLetterSubject; }

        public String getDeadLetterStream() { return deadLetterStream; }

        public void setDeadLetterStream(String deadLetterStream) { this.deadLetterStream = deadLetterStream; }

        public int getReplicas() { return replicas; }

        public void setReplicas(int replicas) { this.replicas = replicas; }
    }
}
