#pragma once

#include "LogEvent.h"

#include <QSet>
#include <QWidget>

class QTabWidget;
class QTextBrowser;
class QToolButton;
class QUrl;

namespace Switchyard {

class TrafficBodyView;

/// Everything about one exchange: an overview (URL, route, rule, timings,
/// sizes, client), the request and response headers, and their bodies decoded
/// for reading (BodyFormatter). Tunnels show their target, route, byte counts
/// and duration. Authorization, Proxy-Authorization, Cookie and Set-Cookie
/// values are masked until the user clicks one (that value shows) or "Show
/// secrets" (all of them show).
class TrafficDetailsPane : public QWidget
{
    Q_OBJECT
public:
    enum Tab { OverviewTab, RequestTab, ResponseTab };

    explicit TrafficDetailsPane(QWidget* parent = nullptr);

    void setEvent(const LogEvent& event);
    void clearEvent();
    bool hasEvent() const { return m_hasEvent; }
    quint64 eventId() const { return m_event.id; }

    bool revealsSecrets() const { return m_revealAll; }
    void setRevealSecrets(bool reveal);

    QTabWidget* tabs() const { return m_tabs; }
    QTextBrowser* overview() const { return m_overview; }
    QTextBrowser* requestHeaders() const { return m_requestHeaders; }
    QTextBrowser* responseHeaders() const { return m_responseHeaders; }
    TrafficBodyView* requestBody() const { return m_requestBody; }
    TrafficBodyView* responseBody() const { return m_responseBody; }
    QToolButton* revealButton() const { return m_revealButton; }

protected:
    void changeEvent(QEvent* event) override;

private:
    enum class Side { Request, Response };

    void render();
    void renderHeaders();
    QString overviewHtml() const;
    QString headersHtml(Side side) const;
    void onAnchorClicked(const QUrl& url);

    QTabWidget* m_tabs = nullptr;
    QTextBrowser* m_overview = nullptr;
    QTextBrowser* m_requestHeaders = nullptr;
    QTextBrowser* m_responseHeaders = nullptr;
    TrafficBodyView* m_requestBody = nullptr;
    TrafficBodyView* m_responseBody = nullptr;
    QToolButton* m_revealButton = nullptr;

    LogEvent m_event;
    bool m_hasEvent = false;
    bool m_revealAll = false;
    /// Values revealed one by one: "request:3", "response:0" (side and field index).
    QSet<QString> m_revealed;
};

} // namespace Switchyard
