package io.switchboard.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** A real ElasticMQ (own JVM) shared by the class: SQS round trip with the AWS SDK, freeze, proxy cut, restart. */
class ElasticMqServerTest {

    private static ElasticMqServer elasticMq;

    @BeforeAll
    static void startElasticMq() {
        long started = System.nanoTime();
        elasticMq = new ElasticMqServer(ElasticMqOptions.defaults()).start();
        Timings.print("elasticmq start", started);
    }

    @AfterAll
    static void stopElasticMq() {
        if (elasticMq != null) {
            elasticMq.close();
        }
    }

    /** No retries and a short deadline, so a frozen or cut server shows as a failed call. */
    private static SqsClient client(String endpoint) {
        return SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(Duration.ofSeconds(1)).build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(2)))
                .build();
    }

    @Test
    void roundTripWithTheAwsSdk() {
        assertThat(elasticMq.endpoint()).isEqualTo("http://127.0.0.1:" + elasticMq.port());
        String command = ProcessHandle.of(elasticMq.pid()).orElseThrow().info().commandLine().orElse("");
        assertThat(command).contains("org.elasticmq.server.Main");
        try (SqsClient sqs = client(elasticMq.endpoint())) {
            String queue = sqs.createQueue(r -> r.queueName("work")).queueUrl();
            String arn = sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            assertThat(arn).isEqualTo("arn:aws:sqs:us-east-1:000000000000:work");

            sqs.sendMessage(r -> r.queueUrl(queue).messageBody("hello"));
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)).messages();
            assertThat(messages).extracting(Message::body).containsExactly("hello");
            sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(messages.get(0).receiptHandle()));
            assertThat(sqs.receiveMessage(r -> r.queueUrl(queue)).messages()).isEmpty();
        }
    }

    @Test
    void frozenServerTimesOutAndThawRecovers() {
        try (SqsClient sqs = client(elasticMq.endpoint())) {
            sqs.listQueues();
            elasticMq.freeze();
            try {
                assertThatThrownBy(sqs::listQueues).isInstanceOf(SdkClientException.class);
            } finally {
                elasticMq.thaw();
            }
            assertThat(Eventually.value(() -> sqs.listQueues().queueUrls(), Duration.ofSeconds(10))).isNotNull();
        }
    }

    @Test
    void proxyCutFailsCallsAndRestoreRecovers() {
        try (FaultProxy proxy = FaultProxy.to(elasticMq);
             SqsClient sqs = client(proxy.endpoint("http"))) {
            sqs.listQueues();
            proxy.cut();
            try {
                assertThatThrownBy(sqs::listQueues).isInstanceOf(SdkClientException.class);
            } finally {
                proxy.restore();
            }
            assertThat(Eventually.value(() -> sqs.listQueues().queueUrls(), Duration.ofSeconds(10))).isNotNull();
        }
    }

    /** ElasticMQ keeps queues in memory: after any restart the server is empty (documented, not a persistence test). */
    @Test
    void restartsOnTheSamePortWithoutItsQueues() {
        try (SqsClient sqs = client(elasticMq.endpoint())) {
            sqs.createQueue(r -> r.queueName("forgotten"));
            int port = elasticMq.port();

            elasticMq.stop();
            long restarted = System.nanoTime();
            elasticMq.start();
            Timings.print("elasticmq restart after SIGTERM", restarted);
            elasticMq.kill();
            restarted = System.nanoTime();
            elasticMq.start();
            Timings.print("elasticmq restart after kill -9", restarted);

            assertThat(elasticMq.port()).isEqualTo(port);
            assertThat(Eventually.value(sqs::listQueues, Duration.ofSeconds(10)).queueUrls()).isEmpty();
        }
    }
}
