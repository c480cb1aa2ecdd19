#pragma once

#include <QObject>

namespace Switchyard {

/// One client connection being served in some protocol (HTTP proxy or SOCKS).
class ClientSession : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void start() = 0;

Q_SIGNALS:
    /// The connection is over; the owner deletes the session later.
    void closed();
};

} // namespace Switchyard
