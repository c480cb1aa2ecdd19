#pragma once

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <functional>

namespace Switchyard {

/// Turns host names into addresses for the engine. IP literals and the special-use
/// names of RFC 6761 (localhost, *.localhost, *.invalid) are answered without any
/// lookup; a hosts override answers next; everything else goes to the system
/// resolver asynchronously. Counts the system lookups it starts, so a test can
/// prove that traffic for a proxied host caused none.
class Resolver : public QObject
{
    Q_OBJECT
public:
    using Callback =
        std::function<void(const QList<QHostAddress>& addresses, const QString& error)>;

    explicit Resolver(QObject* parent = nullptr);

    /// Calls done (in this thread, possibly before returning) with the addresses,
    /// or an empty list and a reason. Nothing is called if context is destroyed.
    void lookup(const QString& host, QObject* context, Callback done);

    /// Host name (lower case) → addresses, consulted before the system resolver.
    void setHostsOverride(const QHash<QString, QList<QHostAddress>>& hosts);
    quint64 systemLookups() const { return m_systemLookups; }

private:
    QHash<QString, QList<QHostAddress>> m_hosts;
    quint64 m_systemLookups = 0;
};

} // namespace Switchyard
