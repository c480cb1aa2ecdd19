#include "TrafficFilterBar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QToolButton>

namespace Switchyard {

TrafficFilterBar::TrafficFilterBar(TrafficFilterModel* filter, QWidget* parent)
    : QWidget(parent), m_filter(filter)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Filter by host, URL or method (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search, 1);
    m_typingTimer.setSingleShot(true);
    m_typingTimer.setInterval(typingDelayMs);
    connect(&m_typingTimer, &QTimer::timeout, this, &TrafficFilterBar::applyText);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_typingTimer.start(); });
    // Enter applies at once.
    connect(m_search, &QLineEdit::returnPressed, this, &TrafficFilterBar::applyText);

    m_errors = new QToolButton(this);
    m_errors->setText(tr("Errors"));
    m_errors->setToolTip(tr("Only failed exchanges: errors, 4xx and 5xx answers, SOCKS failures"));
    m_errors->setCheckable(true);
    connect(m_errors, &QToolButton::toggled, m_filter, &TrafficFilterModel::setErrorsOnly);
    layout->addWidget(m_errors);

    m_blocked = new QToolButton(this);
    m_blocked->setText(tr("Blocked"));
    m_blocked->setToolTip(tr("Only exchanges a rule blocked"));
    m_blocked->setCheckable(true);
    connect(m_blocked, &QToolButton::toggled, m_filter, &TrafficFilterModel::setBlockedOnly);
    layout->addWidget(m_blocked);

    m_route = new QComboBox(this);
    m_route->setToolTip(tr("Only exchanges that took this route"));
    setExitNames({});
    connect(m_route, &QComboBox::currentIndexChanged, this, &TrafficFilterBar::applyRoute);
    layout->addWidget(m_route);

    m_protocol = new QComboBox(this);
    m_protocol->setToolTip(tr("Only exchanges of this protocol"));
    m_protocol->addItem(tr("Any protocol"));
    m_protocols.append(std::nullopt);
    for (const LogProtocol protocol :
         {LogProtocol::Http, LogProtocol::Connect, LogProtocol::WebSocket, LogProtocol::Socks5,
          LogProtocol::Socks4, LogProtocol::Local}) {
        m_protocol->addItem(protocolName(protocol));
        m_protocols.append(protocol);
    }
    connect(m_protocol, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_filter->setProtocol(m_protocols.value(index)); });
    layout->addWidget(m_protocol);

    m_status = new QComboBox(this);
    m_status->setToolTip(tr("Only answers of this status class"));
    const QList<std::pair<QString, TrafficFilterModel::StatusClass>> classes{
        {tr("Any status"), TrafficFilterModel::StatusClass::Any},
        {tr("1xx"), TrafficFilterModel::StatusClass::Informational},
        {tr("2xx success"), TrafficFilterModel::StatusClass::Success},
        {tr("3xx redirection"), TrafficFilterModel::StatusClass::Redirection},
        {tr("4xx client error"), TrafficFilterModel::StatusClass::ClientError},
        {tr("5xx server error"), TrafficFilterModel::StatusClass::ServerError},
        {tr("No status"), TrafficFilterModel::StatusClass::None},
    };
    for (const auto& [text, statusClass] : classes) {
        m_status->addItem(text);
        m_statusClasses.append(statusClass);
    }
    connect(m_status, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_filter->setStatusClass(
            m_statusClasses.value(index, TrafficFilterModel::StatusClass::Any));
    });
    layout->addWidget(m_status);
}

void TrafficFilterBar::applyText()
{
    m_typingTimer.stop();
    m_filter->setText(m_search->text());
}

void TrafficFilterBar::applyRoute()
{
    m_filter->setRoute(m_route->currentData().toString());
}

void TrafficFilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void TrafficFilterBar::setExitNames(const QStringList& names)
{
    const QString current = m_route->currentData().toString();
    {
        const QSignalBlocker blocker(m_route);
        m_route->clear();
        m_route->addItem(tr("Any route"), QString());
        m_route->addItem(tr("Direct"), QStringLiteral("direct"));
        m_route->addItem(tr("Blocked"), QStringLiteral("blocked"));
        m_route->addItem(tr("Local"), QStringLiteral("local"));
        for (const QString& name : names)
            m_route->addItem(tr("Through %1").arg(name), name);
        m_route->setCurrentIndex(qMax(0, m_route->findData(current)));
    }
    applyRoute();
}

void TrafficFilterBar::reset()
{
    m_search->clear();
    applyText();
    m_errors->setChecked(false);
    m_blocked->setChecked(false);
    m_route->setCurrentIndex(0);
    m_protocol->setCurrentIndex(0);
    m_status->setCurrentIndex(0);
}

} // namespace Switchyard
