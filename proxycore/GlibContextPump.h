#pragma once

#include <QObject>
#include <QTimer>

namespace Switchyard {

/// Lets GLib callbacks run in a thread whose Qt event loop is not GLib's.
///
/// QtKeychain talks to the Secret Service through libsecret, whose results
/// arrive as callbacks on GLib's default main context. Switchyard runs with
/// QT_NO_GLIB (Qt's own event dispatcher is faster for the engine's sockets), so
/// nothing would ever run those callbacks and every keychain job would hang.
/// While work is outstanding this pump runs the pending GLib callbacks every
/// few milliseconds; when nothing is outstanding it sleeps. Under a GLib
/// dispatcher it does nothing. glib is looked up at run time, like libsecret.
class GlibContextPump : public QObject
{
    Q_OBJECT
public:
    explicit GlibContextPump(QObject* parent = nullptr);

    /// One more piece of outstanding work (starts pumping).
    void acquire();
    /// One fewer (stops pumping at zero).
    void release();
    bool isPumping() const { return m_timer.isActive(); }

private:
    void pump();

    using IterateFunction = int (*)(void* context, int mayBlock);
    IterateFunction m_iterate = nullptr;
    QTimer m_timer;
    int m_outstanding = 0;
};

} // namespace Switchyard
