#include "GlibContextPump.h"

#include <QAbstractEventDispatcher>
#include <QLibrary>
#include <QThread>

namespace Switchyard {

namespace {

// Short enough that a keychain answer feels immediate, long enough to cost
// nothing while a job waits on the user (an unlock prompt).
constexpr int pumpIntervalMs = 5;

} // namespace

GlibContextPump::GlibContextPump(QObject* parent) : QObject(parent)
{
    const QAbstractEventDispatcher* dispatcher =
        QAbstractEventDispatcher::instance(QThread::currentThread());
    // A GLib dispatcher already runs the default context; pumping it as well
    // would run Qt's own events from inside a Qt slot.
    const bool glibDispatcher = dispatcher && dispatcher->inherits("QEventDispatcherGlib");
    if (!glibDispatcher) {
        QLibrary glib(QStringLiteral("glib-2.0"), 0);
        // g_main_context_iteration(GMainContext*, gboolean): gboolean is an int.
        m_iterate = reinterpret_cast<IterateFunction>(glib.resolve("g_main_context_iteration"));
    }
    m_timer.setInterval(pumpIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &GlibContextPump::pump);
}

void GlibContextPump::acquire()
{
    ++m_outstanding;
    if (m_iterate && !m_timer.isActive())
        m_timer.start();
}

void GlibContextPump::release()
{
    if (m_outstanding > 0)
        --m_outstanding;
    if (m_outstanding == 0)
        m_timer.stop();
}

void GlibContextPump::pump()
{
    // Run whatever is ready, without blocking; a bounded number of rounds so
    // that a busy GLib source cannot starve Qt's own events.
    for (int round = 0; round < 64 && m_iterate(nullptr, 0); ++round) {
    }
}

} // namespace Switchyard
