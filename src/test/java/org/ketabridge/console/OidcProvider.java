package org.ketabridge.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real OpenID Connect provider for the console's sign-in tests: mock-oauth2-server (discovery,
 * authorization, token and JWK endpoints, RS256-signed ID tokens), non-interactive, each sign-in's
 * claims set beforehand ({@link #nextSignIn}). It runs on the Nimbus libraries it was built with
 * (oauth2-oidc-sdk 11, nimbus-jose-jwt 10; Spring Boot manages 9.x for the bridge, and 2.2.1's
 * token endpoint fails on those with NoSuchMethodError), loaded child-first from
 * {@code target/oidc-test-provider} (pom: maven-dependency-plugin), so the bridge under test keeps
 * its own versions. Hence reflection: the provider's classes are not the test's.
 */
final class OidcProvider {

    private static final Path LIBRARIES = Path.of("target", "oidc-test-provider");
    private static final String SERVER = "no.nav.security.mock.oauth2.MockOAuth2Server";
    private static final String CALLBACK = "no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback";

    private final ClassLoader loader;
    private final Object server;

    private OidcProvider(ClassLoader loader, Object server) {
        this.loader = loader;
        this.server = server;
    }

    static OidcProvider start() {
        try {
            ClassLoader loader = new OwnLibrariesFirst(libraries(), OidcProvider.class.getClassLoader());
            Class<?> type = loader.loadClass(SERVER);
            Class<?> route = loader.loadClass("no.nav.security.mock.oauth2.http.Route");
            Object server = type.getConstructor(route.arrayType()).newInstance(Array.newInstance(route, 0));
            type.getMethod("start").invoke(server);
            OidcProvider provider = new OidcProvider(loader, server);
            Runtime.getRuntime().addShutdownHook(new Thread(provider::shutdown));
            return provider;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("mock-oauth2-server did not start", e);
        }
    }

    /** The issuer's URL (its discovery document is under it). */
    String issuerUrl(String issuerId) {
        return String.valueOf(call("issuerUrl", new Class<?>[] {String.class}, issuerId));
    }

    /** The next code exchanged at this issuer gets an ID token for this subject and audience, with these claims added (or replaced). */
    void nextSignIn(String issuerId, String subject, String audience, Map<String, Object> claims) {
        try {
            Class<?> callback = loader.loadClass(CALLBACK);
            Object next = callback.getConstructor(String.class, String.class, String.class, List.class, Map.class, long.class)
                    .newInstance(issuerId, subject, "JWT", List.of(audience), claims, 3600L);
            call("enqueueCallback", new Class<?>[] {loader.loadClass("no.nav.security.mock.oauth2.token.OAuth2TokenCallback")}, next);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private void shutdown() {
        call("shutdown", new Class<?>[0]);
    }

    private Object call(String method, Class<?>[] types, Object... arguments) {
        try {
            return server.getClass().getMethod(method, types).invoke(server, arguments);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URL[] libraries() {
        try (Stream<Path> jars = Files.list(LIBRARIES)) {
            return jars.filter(j -> j.toString().endsWith(".jar")).map(OidcProvider::url).toArray(URL[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException("run through Maven: the provider's libraries are copied to " + LIBRARIES, e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The provider's and Nimbus' classes from its own libraries; everything else (Kotlin, OkHttp, Jackson...) from the tests'. */
    private static final class OwnLibrariesFirst extends URLClassLoader {

        OwnLibrariesFirst(URL[] jars, ClassLoader parent) {
            super(jars, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("no.nav.security.mock.") && !name.startsWith("com.nimbusds.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try {
                        loaded = findClass(name);
                    } catch (ClassNotFoundException notOurs) {
                        return super.loadClass(name, resolve);
                    }
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
