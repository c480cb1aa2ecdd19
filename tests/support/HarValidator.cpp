#include "HarValidator.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

QString HarValidator::scriptPath()
{
    // tests/support/HarValidator.cpp -> tests/scripts/validate-har.js
    return QDir::cleanPath(QFileInfo(QString::fromUtf8(__FILE__)).absolutePath() +
                           QStringLiteral("/../scripts/validate-har.js"));
}

HarValidator::Result HarValidator::validate(const QString& harPath)
{
    Result result;
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty()) {
        result.output = QStringLiteral("node is not on PATH (install nodejs and npm, then run "
                                       "npm ci --prefix tests/scripts)");
        return result;
    }
    if (!QFileInfo::exists(scriptPath())) {
        result.output = QStringLiteral("missing ") + scriptPath();
        return result;
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(node, {scriptPath(), harPath});
    if (!process.waitForFinished(60'000)) {
        process.kill();
        process.waitForFinished(5000);
        result.output = QStringLiteral("validate-har.js did not finish");
        return result;
    }
    result.output = QString::fromUtf8(process.readAll());
    const int code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : 2;
    result.ran = code == 0 || code == 1;
    result.valid = code == 0;
    return result;
}
