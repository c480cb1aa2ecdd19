#include "WindowsProxyBackend.h"

#ifdef Q_OS_WIN
#include <cstring>
#include <qt_windows.h>
#include <wininet.h>
#endif

using namespace Qt::StringLiterals;

namespace Switchyard {

QString WindowsProxyBackend::name() const
{
    return u"windows"_s;
}

QString WindowsProxyBackend::displayName() const
{
    return tr("Windows (Internet Options)");
}

QString WindowsProxyBackend::unavailableReason() const
{
#ifdef Q_OS_WIN
    return {};
#else
    return tr("the Windows proxy settings exist only on Windows");
#endif
}

#ifdef Q_OS_WIN
namespace {

const wchar_t* wide(const QString& text)
{
    return reinterpret_cast<const wchar_t*>(text.utf16());
}

QString systemError(LSTATUS status)
{
    return qt_error_string(int(status));
}

} // namespace
#endif

QString WindowsProxyBackend::readValues(QList<WindowsRegistryValue>* values)
{
    values->clear();
#ifdef Q_OS_WIN
    HKEY key = nullptr;
    LSTATUS status = RegOpenKeyExW(HKEY_CURRENT_USER, wide(WindowsProxySettings::keyPath()), 0,
                                   KEY_QUERY_VALUE, &key);
    if (status == ERROR_FILE_NOT_FOUND) {
        for (const QString& name : WindowsProxySettings::valueNames())
            values->append(WindowsRegistryValue::absent(name));
        return {};
    }
    if (status != ERROR_SUCCESS)
        return tr("cannot read the Windows proxy settings: %1").arg(systemError(status));
    QString error;
    for (const QString& name : WindowsProxySettings::valueNames()) {
        DWORD type = 0;
        DWORD size = 0;
        status = RegQueryValueExW(key, wide(name), nullptr, &type, nullptr, &size);
        if (status == ERROR_FILE_NOT_FOUND) {
            values->append(WindowsRegistryValue::absent(name));
            continue;
        }
        QByteArray data(qsizetype(size) + 2, '\0'); // room for a missing terminator
        if (status == ERROR_SUCCESS)
            status = RegQueryValueExW(key, wide(name), nullptr, &type,
                                      reinterpret_cast<LPBYTE>(data.data()), &size);
        if (status != ERROR_SUCCESS) {
            error =
                tr("cannot read the Windows proxy setting %1: %2").arg(name, systemError(status));
            break;
        }
        if (type == REG_DWORD && size == sizeof(DWORD)) {
            DWORD number = 0;
            std::memcpy(&number, data.constData(), sizeof number);
            values->append(WindowsRegistryValue::number(name, quint32(number)));
        } else if (type == REG_SZ || type == REG_EXPAND_SZ) {
            QString text =
                QString::fromWCharArray(reinterpret_cast<const wchar_t*>(data.constData()),
                                        qsizetype(size / sizeof(wchar_t)));
            while (text.endsWith(QChar(u'\0')))
                text.chop(1);
            values->append(WindowsRegistryValue::string(name, text));
        } else {
            error =
                tr("the Windows proxy setting %1 has an unexpected type (%2)").arg(name).arg(type);
            break;
        }
    }
    RegCloseKey(key);
    return error;
#else
    return unavailableReason();
#endif
}

QString WindowsProxyBackend::writeValues(const QList<WindowsRegistryValue>& values)
{
#ifdef Q_OS_WIN
    HKEY key = nullptr;
    LSTATUS status = RegCreateKeyExW(HKEY_CURRENT_USER, wide(WindowsProxySettings::keyPath()), 0,
                                     nullptr, 0, KEY_SET_VALUE, nullptr, &key, nullptr);
    if (status != ERROR_SUCCESS)
        return tr("cannot change the Windows proxy settings: %1").arg(systemError(status));
    QString error;
    for (const WindowsRegistryValue& value : values) {
        switch (value.kind) {
        case WindowsRegistryValue::Kind::Absent:
            status = RegDeleteValueW(key, wide(value.name));
            if (status == ERROR_FILE_NOT_FOUND)
                status = ERROR_SUCCESS;
            break;
        case WindowsRegistryValue::Kind::Dword: {
            const DWORD number = value.dword;
            status = RegSetValueExW(key, wide(value.name), 0, REG_DWORD,
                                    reinterpret_cast<const BYTE*>(&number), sizeof number);
            break;
        }
        case WindowsRegistryValue::Kind::String:
            status = RegSetValueExW(key, wide(value.name), 0, REG_SZ,
                                    reinterpret_cast<const BYTE*>(value.text.utf16()),
                                    DWORD((value.text.size() + 1) * sizeof(wchar_t)));
            break;
        }
        if (status != ERROR_SUCCESS) {
            error = tr("cannot change the Windows proxy setting %1: %2")
                        .arg(value.name, systemError(status));
            break;
        }
    }
    RegCloseKey(key);
    // Running programs (browsers, WinINet and WinHTTP clients) re-read the
    // settings on these; without them only new processes would see the change.
    InternetSetOptionW(nullptr, INTERNET_OPTION_SETTINGS_CHANGED, nullptr, 0);
    InternetSetOptionW(nullptr, INTERNET_OPTION_REFRESH, nullptr, 0);
    if (!error.isEmpty())
        return error;
    QList<WindowsRegistryValue> after;
    if (error = readValues(&after); !error.isEmpty())
        return error;
    for (const WindowsRegistryValue& value : values) {
        if (!after.contains(value))
            return tr("the Windows proxy setting %1 did not change").arg(value.name);
    }
    return {};
#else
    Q_UNUSED(values);
    return unavailableReason();
#endif
}

QString WindowsProxyBackend::read(QJsonObject* snapshot)
{
    QList<WindowsRegistryValue> values;
    if (QString error = readValues(&values); !error.isEmpty())
        return error;
    *snapshot = WindowsProxySettings::toSnapshot(values);
    return {};
}

QString WindowsProxyBackend::apply(const SystemProxyTarget& target)
{
    if (QString error = target.validationError(); !error.isEmpty())
        return error;
    return writeValues(WindowsProxySettings::valuesFor(target));
}

QString WindowsProxyBackend::restore(const QJsonObject& snapshot)
{
    QString error;
    const QList<WindowsRegistryValue> values = WindowsProxySettings::fromSnapshot(snapshot, &error);
    if (!error.isEmpty())
        return error;
    return writeValues(values);
}

bool WindowsProxyBackend::pointsAt(const QJsonObject& snapshot,
                                   const SystemProxyTarget& target) const
{
    QString error;
    const QList<WindowsRegistryValue> values = WindowsProxySettings::fromSnapshot(snapshot, &error);
    return error.isEmpty() && WindowsProxySettings::pointsAt(values, target);
}

} // namespace Switchyard
