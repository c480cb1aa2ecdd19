#include "TrafficDetailsPane.h"

#include "BodyFormatter.h"
#include "SensitiveHeaders.h"
#include "TrafficBodyView.h"
#include "TrafficModel.h"
#include "TrafficRouteKind.h"
#include "TrafficStyle.h"

#include <QDateTime>
#include <QEvent>
#include <QLocale>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace Switchyard {

namespace {

QString escaped(const QString& text)
{
    return text.toHtmlEscaped();
}

QString bytesText(const QByteArray& bytes)
{
    return QString::fromUtf8(bytes).toHtmlEscaped();
}

QString microsecondsText(qint64 us)
{
    if (us < 0)
        return QStringLiteral("—");
    const QLocale locale;
    if (us < 1'000'000)
        return TrafficDetailsPane::tr("%1 ms").arg(locale.toString(double(us) / 1000.0, 'f', 1));
    return TrafficDetailsPane::tr("%1 s").arg(locale.toString(double(us) / 1e6, 'f', 3));
}

QString sizeText(quint64 bytes)
{
    const QLocale locale;
    return TrafficDetailsPane::tr("%1 (%2 bytes)")
        .arg(locale.formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat),
             locale.toString(qulonglong(bytes)));
}

// The gap goes between label and value, which swap sides right to left.
QString row(const QString& label, const QString& valueHtml, Qt::LayoutDirection direction)
{
    return QStringLiteral("<tr><td style=\"padding-%1:12px\"><b>%2</b></td><td>%3</td></tr>")
        .arg(direction == Qt::RightToLeft ? QStringLiteral("left") : QStringLiteral("right"),
             escaped(label), valueHtml);
}

// An opening table tag: the overview follows the interface's direction (its
// labels are translated); header lists stay left to right, as HTTP is written.
QString tableStart(Qt::LayoutDirection direction)
{
    return QStringLiteral("<table dir=\"%1\" cellspacing=\"0\" cellpadding=\"2\">")
        .arg(direction == Qt::RightToLeft ? QStringLiteral("rtl") : QStringLiteral("ltr"));
}

QTextBrowser* newBrowser(QWidget* parent)
{
    auto* browser = new QTextBrowser(parent);
    browser->setOpenLinks(false);
    browser->setOpenExternalLinks(false);
    return browser;
}

} // namespace

TrafficDetailsPane::TrafficDetailsPane(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs);

    m_overview = newBrowser(m_tabs);
    m_tabs->addTab(m_overview, tr("Overview"));

    auto* requestSplitter = new QSplitter(Qt::Vertical, m_tabs);
    m_requestHeaders = newBrowser(requestSplitter);
    m_requestBody = new TrafficBodyView(requestSplitter);
    requestSplitter->addWidget(m_requestHeaders);
    requestSplitter->addWidget(m_requestBody);
    requestSplitter->setSizes({1, 1}); // relative: half headers, half body
    m_tabs->addTab(requestSplitter, tr("Request"));

    auto* responseSplitter = new QSplitter(Qt::Vertical, m_tabs);
    m_responseHeaders = newBrowser(responseSplitter);
    m_responseBody = new TrafficBodyView(responseSplitter);
    responseSplitter->addWidget(m_responseHeaders);
    responseSplitter->addWidget(m_responseBody);
    responseSplitter->setSizes({1, 1});
    m_tabs->addTab(responseSplitter, tr("Response"));

    m_revealButton = new QToolButton(m_tabs);
    m_revealButton->setText(tr("Show secrets"));
    m_revealButton->setToolTip(
        tr("Show the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie"));
    m_revealButton->setCheckable(true);
    m_revealButton->setAutoRaise(true);
    m_tabs->setCornerWidget(m_revealButton, Qt::TopRightCorner);
    connect(m_revealButton, &QToolButton::toggled, this, &TrafficDetailsPane::setRevealSecrets);

    for (QTextBrowser* browser : {m_requestHeaders, m_responseHeaders})
        connect(browser, &QTextBrowser::anchorClicked, this, &TrafficDetailsPane::onAnchorClicked);

    clearEvent();
}

void TrafficDetailsPane::setEvent(const LogEvent& event)
{
    const bool sameExchange = m_hasEvent && event.id == m_event.id;
    if (!sameExchange)
        m_revealed.clear(); // one click reveals one value of one exchange only
    m_event = event;
    m_hasEvent = true;
    render();
}

void TrafficDetailsPane::clearEvent()
{
    m_hasEvent = false;
    m_event = LogEvent();
    m_revealed.clear();
    m_overview->setHtml(
        QStringLiteral("<p>%1</p>")
            .arg(escaped(tr("Select an entry to see its details. Enter opens the selected one."))));
    m_requestHeaders->clear();
    m_responseHeaders->clear();
    m_requestBody->clear();
    m_responseBody->clear();
    m_tabs->setTabEnabled(RequestTab, false);
    m_tabs->setTabEnabled(ResponseTab, false);
}

void TrafficDetailsPane::setRevealSecrets(bool reveal)
{
    if (reveal == m_revealAll)
        return;
    m_revealAll = reveal;
    m_revealButton->setChecked(reveal);
    m_revealButton->setText(reveal ? tr("Hide secrets") : tr("Show secrets"));
    if (m_hasEvent)
        renderHeaders();
}

void TrafficDetailsPane::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if ((event->type() == QEvent::PaletteChange ||
         event->type() == QEvent::LayoutDirectionChange) &&
        m_hasEvent)
        render();
}

void TrafficDetailsPane::render()
{
    m_overview->setHtml(overviewHtml());
    const bool http = !m_event.isTunnel() || m_event.protocol == LogProtocol::WebSocket;
    m_tabs->setTabEnabled(RequestTab, http);
    m_tabs->setTabEnabled(ResponseTab, http);
    if (!http) {
        m_tabs->setCurrentIndex(OverviewTab);
        m_requestHeaders->clear();
        m_responseHeaders->clear();
        m_requestBody->clear();
        m_responseBody->clear();
        return;
    }
    renderHeaders();
    m_requestBody->setPresentation(BodyFormatter::present(
        m_event.requestHeaders, m_event.requestBody, m_event.requestBodyTruncated));
    m_responseBody->setPresentation(BodyFormatter::present(
        m_event.responseHeaders, m_event.responseBody, m_event.responseBodyTruncated));
}

void TrafficDetailsPane::renderHeaders()
{
    // Keep the reader's place when a value is revealed.
    for (const auto& [browser, side] : {std::pair{m_requestHeaders, Side::Request},
                                        std::pair{m_responseHeaders, Side::Response}}) {
        const int scroll = browser->verticalScrollBar()->value();
        browser->setHtml(headersHtml(side));
        browser->verticalScrollBar()->setValue(scroll);
    }
}

QString TrafficDetailsPane::headersHtml(Side side) const
{
    const bool request = side == Side::Request;
    const HeaderList& fields = request ? m_event.requestHeaders : m_event.responseHeaders;
    QString html;
    if (request) {
        html += QStringLiteral("<p dir=\"ltr\"><code>%1 %2 %3</code></p>")
                    .arg(bytesText(m_event.method), escaped(m_event.target),
                         bytesText(m_event.httpVersion));
    } else if (m_event.status > 0) {
        html += QStringLiteral("<p dir=\"ltr\"><code>%1 %2 %3</code></p>")
                    .arg(bytesText(m_event.httpVersion))
                    .arg(m_event.status)
                    .arg(bytesText(m_event.responseReason));
    }
    if (fields.isEmpty()) {
        html += QStringLiteral("<p><i>%1</i></p>")
                    .arg(escaped(m_event.phase == LogPhase::Started && !request
                                     ? tr("No response yet.")
                                     : tr("No headers captured (capture may be off).")));
        return html;
    }
    const QString prefix = request ? QStringLiteral("request:") : QStringLiteral("response:");
    html += tableStart(Qt::LeftToRight);
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const HeaderField& field = fields.at(i);
        QString value;
        const QString key = prefix + QString::number(i);
        if (SensitiveHeaders::isSensitive(field.first) && !m_revealAll &&
            !m_revealed.contains(key)) {
            value = QStringLiteral("<a href=\"reveal:%1\" title=\"%2\">%3</a>")
                        .arg(key, escaped(tr("Click to show this value")),
                             bytesText(SensitiveHeaders::mask(field.first, field.second)));
        } else {
            value = bytesText(field.second);
        }
        html += row(QString::fromUtf8(field.first), value, Qt::LeftToRight);
    }
    html += QStringLiteral("</table>");
    return html;
}

QString TrafficDetailsPane::overviewHtml() const
{
    const LogEvent& e = m_event;
    const bool tunnel = e.isTunnel() && e.protocol != LogProtocol::WebSocket;
    const bool finished = e.phase == LogPhase::Finished;
    const TrafficStyle style = TrafficStyle::fromPalette(palette());
    const Qt::LayoutDirection direction = layoutDirection();
    const auto row = [direction](const QString& label, const QString& valueHtml) {
        return Switchyard::row(label, valueHtml, direction);
    };
    QString html = tableStart(direction);
    html += row(tunnel ? tr("Target") : tr("URL"), escaped(e.target));
    if (!tunnel)
        html += row(tr("Method"), bytesText(e.method));
    html += row(tr("Protocol"), escaped(protocolName(e.protocol)));
    if (e.status > 0) {
        QString status = QString::number(e.status);
        if (!e.responseReason.isEmpty())
            status += QLatin1Char(' ') + bytesText(e.responseReason);
        if (e.status >= 400)
            status = QStringLiteral("<span style=\"color:%1\">%2</span>")
                         .arg(style.errorText().name(), status);
        html += row(tr("Status"), status);
    }
    if (e.protocol == LogProtocol::Socks5 || e.protocol == LogProtocol::Socks4) {
        if (finished)
            html += row(tr("SOCKS reply"),
                        QStringLiteral("0x%1").arg(e.socksReply, 2, 16, QLatin1Char('0')));
    }

    QString route;
    switch (trafficRouteKind(e.route)) {
    case TrafficRouteKind::Direct:
        route = tr("Direct");
        break;
    case TrafficRouteKind::Exit:
        route = tr("Through the exit %1").arg(escaped(e.route));
        break;
    case TrafficRouteKind::Blocked:
        route = QStringLiteral("<span style=\"color:%1\">%2</span>")
                    .arg(style.blockedText().name(), escaped(tr("Blocked")));
        break;
    case TrafficRouteKind::Local:
        route = tr("Answered by Switchyard");
        break;
    case TrafficRouteKind::Refused:
        route = tr("Refused (connection limit)");
        break;
    case TrafficRouteKind::Unknown:
        route = tr("Unknown");
        break;
    }
    html += row(tr("Route"), route);
    html += row(tr("Rule"), e.rule.isEmpty() ? escaped(tr("none matched: the default action"))
                                             : escaped(e.rule));
    html += row(tr("Client"), escaped(e.clientAddress));
    html +=
        row(tr("Started"), escaped(QLocale().toString(QDateTime::fromMSecsSinceEpoch(e.startedAtMs),
                                                      QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))));
    html += row(tr("Duration"),
                finished ? microsecondsText(e.durationUs) : escaped(tr("still running")));
    html += row(tr("Connect"), microsecondsText(e.connectUs));
    if (!tunnel)
        html += row(tr("First byte"), microsecondsText(e.firstByteUs));
    html += row(tunnel ? tr("Relayed up") : tr("Sent"), escaped(sizeText(e.bytesUp)));
    html += row(tunnel ? tr("Relayed down") : tr("Received"), escaped(sizeText(e.bytesDown)));
    if (!e.error.isEmpty())
        html += row(tr("Error"), QStringLiteral("<span style=\"color:%1\">%2</span>")
                                     .arg(style.errorText().name(), escaped(e.error)));
    html += QStringLiteral("</table>");
    if (tunnel)
        html += QStringLiteral("<p><i>%1</i></p>")
                    .arg(escaped(tr("A tunnel's payload is not inspected: its target, route, "
                                    "sizes and duration are what is known.")));
    return html;
}

void TrafficDetailsPane::onAnchorClicked(const QUrl& url)
{
    if (url.scheme() != QLatin1String("reveal"))
        return;
    m_revealed.insert(url.path());
    renderHeaders();
}

} // namespace Switchyard
