package io.wsa4j.nio2;

import io.wsa4j.Wsa;
import io.wsa4j.WsaStats;
import io.wsa4j.WsaStats.OpKind;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.ObjectName;

/**
 * {@link Wsa#stats()} as a JMX MBean, {@code io.wsa4j:type=Wsa,context=<n>}, registered while the
 * context lives when {@code WsaConfig.jmx(true)}. A {@link DynamicMBean}, so that JMX needs no
 * reflective access to this unexported package. Every attribute read takes a fresh snapshot.
 */
final class StatsMBean implements DynamicMBean {
  private static final System.Logger LOG = System.getLogger("io.wsa4j");

  /** One read-only {@code long} attribute. */
  private static final class Attr {
    final String name;
    final String description;
    final ToLongFunction<WsaStats> read;

    Attr(String name, String description, ToLongFunction<WsaStats> read) {
      this.name = name;
      this.description = description;
      this.read = read;
    }
  }

  private static final List<Attr> ATTRS = attributes();

  private final Wsa wsa;
  private final ObjectName name;

  private StatsMBean(Wsa wsa, ObjectName name) {
    this.wsa = wsa;
    this.name = name;
  }

  /** Registers the statistics of {@code wsa}; null (logged) if the platform server refuses. */
  static StatsMBean register(Wsa wsa, int contextNumber) {
    try {
      ObjectName name = new ObjectName("io.wsa4j:type=Wsa,context=" + contextNumber);
      StatsMBean bean = new StatsMBean(wsa, name);
      ManagementFactory.getPlatformMBeanServer().registerMBean(bean, name);
      return bean;
    } catch (JMException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot register the wsa4j statistics MBean", e);
      return null;
    }
  }

  void unregister() {
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (JMException e) {
      LOG.log(System.Logger.Level.DEBUG, "unregistering " + name, e);
    }
  }

  private static List<Attr> attributes() {
    List<Attr> a = new ArrayList<>();
    a.add(new Attr("SocketsOpen", "Sockets open now", WsaStats::socketsOpen));
    a.add(new Attr("PendingNow", "Operations posted and not yet completed", WsaStats::pendingNow));
    a.add(new Attr("BytesSent", "Bytes of completed sends", WsaStats::bytesSent));
    a.add(new Attr("BytesReceived", "Bytes of completed receives", WsaStats::bytesReceived));
    for (OpKind k : OpKind.values()) {
      String kind = k.name().charAt(0) + k.name().substring(1).toLowerCase(Locale.ROOT);
      a.add(new Attr(kind + "Posted", kind + " operations started", s -> s.posted(k)));
      a.add(new Attr(kind + "Completed", kind + " operations that succeeded", s -> s.completed(k)));
      a.add(new Attr(kind + "Failed", kind + " operations that failed", s -> s.failed(k)));
      a.add(new Attr(kind + "Aborted", kind + " operations aborted", s -> s.aborted(k)));
    }
    a.add(new Attr("Errors", "Operations that ended with an error code",
        s -> s.errorsByCode().values().stream().mapToLong(Long::longValue).sum()));
    a.add(new Attr("PortQueueDepth", "Packets waiting in all completion ports",
        s -> s.portQueueDepths().stream().mapToLong(Integer::longValue).sum()));
    return a;
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    for (Attr a : ATTRS) {
      if (a.name.equals(attribute)) {
        return a.read.applyAsLong(wsa.stats());
      }
    }
    throw new AttributeNotFoundException(attribute);
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    WsaStats s = wsa.stats();
    AttributeList list = new AttributeList();
    for (String wanted : attributes) {
      for (Attr a : ATTRS) {
        if (a.name.equals(wanted)) {
          list.add(new Attribute(a.name, a.read.applyAsLong(s)));
        }
      }
    }
    return list;
  }

  @Override
  public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
    throw new AttributeNotFoundException(attribute.getName() + " is read-only");
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList(); // every attribute is read-only
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature) {
    throw new UnsupportedOperationException("no operations: " + actionName);
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    MBeanAttributeInfo[] infos = new MBeanAttributeInfo[ATTRS.size()];
    for (int i = 0; i < infos.length; i++) {
      Attr a = ATTRS.get(i);
      infos[i] = new MBeanAttributeInfo(a.name, "long", a.description, true, false, false);
    }
    return new MBeanInfo(getClass().getName(), "wsa4j context statistics (Wsa.stats())",
        infos, null, null, null);
  }
}
