#include "ExitListModel.h"

#include "SettingsController.h"

namespace Switchyard {

ExitListModel::ExitListModel(SettingsController* controller, QObject* parent)
    : QAbstractTableModel(parent), m_controller(controller)
{
    for (const UpstreamProfile& profile : m_controller->profiles())
        m_ids.append(profile.id);
    connect(m_controller, &SettingsController::profilesChanged, this, &ExitListModel::reload);
    connect(m_controller, &SettingsController::exitStateChanged, this,
            &ExitListModel::refreshStatus);
    // Passwords arriving from the keychain (or failing to) come with new engine
    // settings: "waiting for password" may have changed.
    connect(m_controller, &SettingsController::engineSettingsChanged, this,
            &ExitListModel::refreshAllStatus);
}

void ExitListModel::setStatusIcons(const QIcon& ok, const QIcon& warning)
{
    m_okIcon = ok;
    m_warningIcon = warning;
    refreshAllStatus();
}

void ExitListModel::reload()
{
    QStringList ids;
    for (const UpstreamProfile& profile : m_controller->profiles())
        ids.append(profile.id);
    if (ids != m_ids) {
        beginResetModel();
        m_ids = ids;
        m_checking.intersect(QSet<QString>(ids.cbegin(), ids.cend()));
        endResetModel();
        return;
    }
    // Same exits in the same order: an edit or a rename.
    if (!m_ids.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void ExitListModel::refreshStatus(const QString& profileId)
{
    const int row = rowOf(profileId);
    if (row >= 0)
        Q_EMIT dataChanged(index(row, StatusColumn), index(row, StatusColumn));
}

void ExitListModel::refreshAllStatus()
{
    if (!m_ids.isEmpty())
        Q_EMIT dataChanged(index(0, StatusColumn), index(rowCount() - 1, StatusColumn));
}

void ExitListModel::setChecking(const QString& profileId, bool checking)
{
    if (checking)
        m_checking.insert(profileId);
    else
        m_checking.remove(profileId);
    refreshStatus(profileId);
}

int ExitListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

int ExitListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int ExitListModel::rowOf(const QString& profileId) const
{
    return int(m_ids.indexOf(profileId));
}

ExitListModel::Status ExitListModel::status(const QString& profileId) const
{
    // Waiting for a password outranks everything: the exit is not used at all.
    if (m_controller->isWaitingForPassword(profileId))
        return Status::WaitingForPassword;
    if (m_checking.contains(profileId))
        return Status::Checking;
    const ProfileCheckResult* result = m_controller->checkResult(profileId);
    if (!result)
        return Status::Unchecked;
    return result->ok ? Status::Ok : Status::Failing;
}

QString ExitListModel::statusText(const QString& profileId) const
{
    switch (status(profileId)) {
    case Status::Unchecked:
        return tr("unchecked");
    case Status::Checking:
        return tr("checking…");
    case Status::WaitingForPassword:
        return tr("waiting for password");
    case Status::Ok:
        return tr("OK %1 ms").arg(m_controller->checkResult(profileId)->latencyMs);
    case Status::Failing:
        return tr("failing: %1").arg(m_controller->checkResult(profileId)->error);
    }
    return {};
}

QVariant ExitListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString id = m_ids.at(index.row());
    if (role == ProfileIdRole)
        return id;
    if (role == StatusRole)
        return static_cast<int>(status(id));
    const UpstreamProfile* profile = m_controller->profile(id);
    if (!profile)
        return {};

    switch (index.column()) {
    case NameColumn:
        if (role == Qt::DisplayRole)
            return profile->name;
        if (role == Qt::ToolTipRole)
            return profile->toUri(); // never with the password
        return {};
    case TypeColumn:
        if (role == Qt::DisplayRole) {
            if (profile->type == UpstreamProfile::Type::Https && profile->allowSelfSigned)
                return tr("%1 (any certificate)").arg(UpstreamProfile::typeName(profile->type));
            return UpstreamProfile::typeName(profile->type);
        }
        return {};
    case AddressColumn:
        if (role == Qt::DisplayRole) {
            const QString host =
                profile->host.contains(u':') ? u'[' + profile->host + u']' : profile->host;
            return QStringLiteral("%1:%2").arg(host).arg(profile->port);
        }
        return {};
    case StatusColumn: {
        const Status current = status(id);
        if (role == Qt::DisplayRole)
            return statusText(id);
        if (role == Qt::ToolTipRole) {
            if (current == Status::WaitingForPassword)
                return tr("Its password is not available yet, so traffic routed through it is "
                          "blocked.");
            if (const ProfileCheckResult* result = m_controller->checkResult(id);
                result && current == Status::Ok)
                return tr("Last check: HTTP %1 after %2 ms")
                    .arg(result->httpStatus)
                    .arg(result->latencyMs);
            return statusText(id);
        }
        if (role == Qt::DecorationRole) {
            if (current == Status::Ok && !m_okIcon.isNull())
                return m_okIcon;
            if ((current == Status::Failing || current == Status::WaitingForPassword) &&
                !m_warningIcon.isNull())
                return m_warningIcon;
        }
        return {};
    }
    default:
        return {};
    }
}

QVariant ExitListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case TypeColumn:
        return tr("Type");
    case AddressColumn:
        return tr("Address");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

} // namespace Switchyard
