/** A user's module: it reads only the wsa4j API; the implementation is a service. */
module com.example.modular {
  requires io.wsa4j.api;

  exports com.example.modular;
}
