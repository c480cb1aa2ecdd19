#include "TrafficContextMenu.h"

#include "BodyFormatter.h"
#include "CurlCommand.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHostAddress>
#include <QMimeData>

namespace Switchyard {

TrafficContextMenu::TrafficContextMenu(const LogEvent& event, const ExitList& exits,
                                       QWidget* parent)
    : QMenu(parent), m_event(event)
{
    m_copyUrl = addAction(tr("Copy URL"));
    m_copyUrl->setEnabled(!m_event.target.isEmpty());
    connect(m_copyUrl, &QAction::triggered, this,
            [this] { QGuiApplication::clipboard()->setText(m_event.target); });

    const QString curl = CurlCommand::fromEvent(m_event);
    m_copyCurl = addAction(tr("Copy as curl"));
    m_copyCurl->setEnabled(!curl.isEmpty());
    connect(m_copyCurl, &QAction::triggered, this,
            [curl] { QGuiApplication::clipboard()->setText(curl); });

    m_copyBody = addAction(tr("Copy response body"));
    m_copyBody->setEnabled(!m_event.responseBody.isEmpty());
    connect(m_copyBody, &QAction::triggered, this, &TrafficContextMenu::copyResponseBody);

    if (m_event.host.isEmpty())
        return;
    addSeparator();
    m_hostMenu = addRouteMenu(tr("Route %1").arg(m_event.host), m_event.host, false, exits);
    const QString domain = domainOf(m_event.host);
    if (!domain.isEmpty())
        m_domainMenu = addRouteMenu(tr("Route all of %1").arg(domain), domain, true, exits);
}

QMenu* TrafficContextMenu::addRouteMenu(const QString& title, const QString& pattern,
                                        bool wholeDomain, const ExitList& exits)
{
    QMenu* menu = addMenu(title);
    const auto add = [this, menu, pattern, wholeDomain](const QString& text,
                                                        const RouteAction& action) {
        QAction* item = menu->addAction(text);
        connect(item, &QAction::triggered, this, [this, pattern, wholeDomain, action] {
            Q_EMIT routeRequested(pattern, wholeDomain, action);
        });
    };
    add(tr("Direct"), RouteAction::direct());
    for (const auto& [id, name] : exits)
        add(tr("Through %1").arg(name), RouteAction::through(id));
    add(tr("Block"), RouteAction::block());
    return menu;
}

void TrafficContextMenu::copyResponseBody()
{
    const BodyPresentation body = BodyFormatter::present(
        m_event.responseHeaders, m_event.responseBody, m_event.responseBodyTruncated);
    auto* mime = new QMimeData;
    switch (body.kind) {
    case BodyPresentation::Kind::Empty:
        delete mime;
        return;
    case BodyPresentation::Kind::Text:
    case BodyPresentation::Kind::Json:
        mime->setText(QString::fromUtf8(body.decoded));
        break;
    case BodyPresentation::Kind::Image:
        mime->setImageData(body.image);
        break;
    case BodyPresentation::Kind::Hex:
        mime->setData(QStringLiteral("application/octet-stream"), body.decoded);
        mime->setText(body.text);
        break;
    }
    QGuiApplication::clipboard()->setMimeData(mime);
}

QString TrafficContextMenu::domainOf(const QString& host)
{
    QString name = host.toLower();
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (QHostAddress().setAddress(name) || name.startsWith(QLatin1Char('[')))
        return {};
    const QStringList labels = name.split(QLatin1Char('.'), Qt::SkipEmptyParts);
    if (labels.size() < 2)
        return {};
    qsizetype keep = 2;
    // Country domains that register under a second level: example.co.uk,
    // example.com.au, example.ne.jp …
    static const QStringList secondLevels{
        QStringLiteral("co"),  QStringLiteral("com"), QStringLiteral("net"), QStringLiteral("org"),
        QStringLiteral("gov"), QStringLiteral("edu"), QStringLiteral("ac"),  QStringLiteral("or"),
        QStringLiteral("ne"),  QStringLiteral("go"),  QStringLiteral("gob"), QStringLiteral("nic")};
    if (labels.size() >= 3 && labels.constLast().size() == 2 &&
        secondLevels.contains(labels.at(labels.size() - 2)))
        keep = 3;
    return labels.mid(labels.size() - keep).join(QLatin1Char('.'));
}

} // namespace Switchyard
