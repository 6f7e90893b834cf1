package io.switchboard.spring.autoconfigure;

import io.switchboard.Event;
import io.switchboard.EventHandler;
import io.switchboard.EventPattern;
import io.switchboard.EventSubscriber;
import io.switchboard.Subscription;
import io.switchboard.SubscriptionRequest;
import io.switchboard.SwitchboardException;
import io.switchboard.spring.OnEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@link OnEvent} methods on beans as they are created (checking each one, so a bad pattern or signature
 * stops start-up naming the method), subscribes them when the context starts, and closes those subscriptions when
 * it stops. As a {@link SmartLifecycle} in the last phase, handlers start after every other bean is ready and stop
 * before the publisher and its connections are closed.
 */
final class OnEventMethodRegistrar implements BeanPostProcessor, SmartLifecycle {

    private record Registration(SubscriptionRequest<?> request, String description) {
    }

    private final ObjectProvider<EventSubscriber> subscriber;
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private volatile boolean running;

    OnEventMethodRegistrar(ObjectProvider<EventSubscriber> subscriber) {
        this.subscriber = subscriber;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = ClassUtils.getUserClass(bean);
        Map<Method, OnEvent> methods = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<OnEvent>) m -> AnnotatedElementUtils.findMergedAnnotation(m,
                        OnEvent.class));
        methods.forEach((method, annotation) -> registrations.add(register(bean, type, method, annotation)));
        return bean;
    }

    private static Registration register(Object bean, Class<?> type, Method method, OnEvent annotation) {
        String where = type.getName() + "." + method.getName();
        if (method.getParameterCount() != 1) {
            throw new BeanInitializationException("@OnEvent method " + where + " must take exactly one parameter: "
                    + "Event<T> or the event's data type T");
        }
        try {
            EventPattern pattern = EventPattern.of(annotation.value());
            boolean wantsEvent = Event.class.equals(method.getParameterTypes()[0]);
            Class<?> dataType = wantsEvent
                    ? ResolvableType.forMethodParameter(method, 0).getGeneric(0).resolve(Object.class)
                    : ClassUtils.resolvePrimitiveIfNecessary(method.getParameterTypes()[0]);
            ReflectionUtils.makeAccessible(method);
            EventHandler<Object> handler = event -> invoke(bean, method, wantsEvent ? event : event.data());
            SubscriptionRequest<?> request = annotation.broadcast()
                    ? SubscriptionRequest.broadcast(pattern.value(), castType(dataType), handler)
                    : SubscriptionRequest.group(annotation.group().isEmpty() ? defaultGroup(type, method)
                            : annotation.group(), pattern.value(), castType(dataType), handler);
            if (annotation.concurrency() > 0) {
                request = request.withMaxConcurrency(annotation.concurrency());
            }
            return new Registration(request, where);
        } catch (SwitchboardException e) {
            throw new BeanInitializationException("@OnEvent method " + where + " is invalid: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<Object> castType(Class<?> type) {
        return (Class<Object>) type;
    }

    /** {@code receiptMailer.onPaid}: stable across instances, distinct per method. */
    static String defaultGroup(Class<?> type, Method method) {
        String simple = type.getSimpleName().isEmpty() ? "handler" : type.getSimpleName();
        String group = Character.toLowerCase(simple.charAt(0)) + simple.substring(1) + "." + method.getName();
        return group.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    private static void invoke(Object bean, Method method, Object argument) throws Exception {
        try {
            method.invoke(bean, argument);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public synchronized void start() {
        if (running || registrations.isEmpty()) {
            running = true;
            return;
        }
        EventSubscriber target = subscriber.getIfAvailable();
        if (target == null) {
            throw new IllegalStateException("@OnEvent methods are declared (" + registrations.get(0).description()
                    + ", ...) but there is no EventSubscriber bean; check event.driver (EVENT_DRIVER)");
        }
        for (Registration r : registrations) {
            subscriptions.add(target.subscribe(r.request()));
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        for (Subscription s : subscriptions) {
            s.close();
        }
        subscriptions.clear();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** The number of {@code @OnEvent} methods found. */
    int registrationCount() {
        return registrations.size();
    }
}
