#include "SystemProxyTool.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace Switchyard {

SystemProxyToolResult SystemProxyTool::run(const QString& program, const QStringList& arguments,
                                           const QByteArray& input, int timeoutMs)
{
    SystemProxyToolResult result;
    const QString name = QFileInfo(program).fileName();
    QProcess process;
    // Our own messages are the ones the user reads; the tool's go into them.
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(program, arguments);
    if (!process.waitForStarted(timeoutMs)) {
        result.error = tr("cannot run %1: %2").arg(name, process.errorString());
        return result;
    }
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(1'000);
        result.error = tr("%1 did not answer within %2 seconds").arg(name).arg(timeoutMs / 1000);
        return result;
    }
    result.output = process.readAllStandardOutput();
    const QString errorText = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit) {
        result.error = tr("%1 crashed").arg(name);
        return result;
    }
    result.exitCode = process.exitCode();
    if (result.exitCode != 0) {
        result.error = errorText.isEmpty()
                           ? tr("%1 failed with exit code %2").arg(name).arg(result.exitCode)
                           : tr("%1 failed: %2").arg(name, errorText);
        return result;
    }
    result.ok = true;
    return result;
}

QString SystemProxyTool::find(const QString& program)
{
    return QStandardPaths::findExecutable(program);
}

} // namespace Switchyard
