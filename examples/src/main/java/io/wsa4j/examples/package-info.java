/**
 * Runnable examples of wsa4j: echo servers written in the classic Winsock overlapped-I/O models,
 * and a line-based echo client.
 *
 * <ul>
 *   <li>{@link io.wsa4j.examples.EventEchoServer}: overlapped I/O with event objects; worker
 *       threads wait with {@code WSAWaitForMultipleEvents} on up to 63 connections each.
 *   <li>{@link io.wsa4j.examples.EchoServerMain}: the launcher, {@code --model} picks the server.
 *   <li>{@link io.wsa4j.examples.EchoClient}: sends standard input line by line and prints the
 *       echo.
 * </ul>
 *
 * <pre>
 * mvn -pl examples -am package -DskipTests
 * java -jar examples/target/echo-server.jar --port 7007
 * printf 'hello\nworld\n' \
 *   | java -cp examples/target/echo-server.jar io.wsa4j.examples.EchoClient --port 7007
 * </pre>
 *
 * <p>The examples compile against {@code wsa4j-api} only; {@code wsa4j-impl} is a run-time
 * dependency found by {@link java.util.ServiceLoader}, so running them also proves that wiring.
 */
package io.wsa4j.examples;
