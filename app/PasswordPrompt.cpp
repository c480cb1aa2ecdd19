#include "PasswordPrompt.h"

#include <QUtf8StringView>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <termios.h>
#include <unistd.h>

namespace Switchyard {

namespace {

// The terminal as it was before echo was turned off, for the signal handler.
struct termios g_savedTerminal;
volatile std::sig_atomic_t g_echoOff = 0;

constexpr std::array<int, 4> restoringSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restoreTerminalAndDie(int signal)
{
    // Only async-signal-safe calls here: tcsetattr, signal, raise.
    if (g_echoOff)
        tcsetattr(STDIN_FILENO, TCSANOW, &g_savedTerminal);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

/// Echo off for as long as it lives; the terminal and the signal handlers are
/// put back when it goes, and by the handlers if a signal ends the process.
class EchoOff
{
public:
    EchoOff()
    {
        if (tcgetattr(STDIN_FILENO, &g_savedTerminal) != 0)
            return;
        struct sigaction action = {};
        action.sa_handler = restoreTerminalAndDie;
        sigemptyset(&action.sa_mask);
        for (std::size_t i = 0; i < restoringSignals.size(); ++i)
            sigaction(restoringSignals[i], &action, &m_previous[i]);
        // Suspending with echo off would leave the shell without echo.
        struct sigaction ignore = {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        sigaction(SIGTSTP, &ignore, &m_previousStop);

        struct termios silent = g_savedTerminal;
        silent.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK | ECHONL);
        g_echoOff = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0;
        m_active = true;
    }
    ~EchoOff()
    {
        if (!m_active)
            return;
        if (g_echoOff)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_savedTerminal);
        g_echoOff = 0;
        for (std::size_t i = 0; i < restoringSignals.size(); ++i)
            sigaction(restoringSignals[i], &m_previous[i], nullptr);
        sigaction(SIGTSTP, &m_previousStop, nullptr);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

    bool silenced() const { return g_echoOff != 0; }

private:
    bool m_active = false;
    std::array<struct sigaction, restoringSignals.size()> m_previous{};
    struct sigaction m_previousStop = {};
};

void writeToTerminal(const QString& text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void wipe(QByteArray* bytes)
{
    bytes->fill('\0');
    bytes->clear();
}

} // namespace

bool PasswordPrompt::readLine(QByteArray* line, QString* error)
{
    line->clear();
    for (;;) {
        char c = 0;
        const ssize_t got = ::read(STDIN_FILENO, &c, 1);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            *error = tr("cannot read standard input: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        if (got == 0 || c == '\n')
            break;
        if (line->size() >= maxBytes) {
            wipe(line);
            *error = tr("the password is longer than %1 bytes").arg(maxBytes);
            return false;
        }
        line->append(c);
    }
    if (line->endsWith('\r'))
        line->chop(1);
    return true;
}

bool PasswordPrompt::readFromTerminal(const QString& prompt, QString* password, QString* error)
{
    QByteArray first;
    QByteArray second;
    {
        EchoOff echoOff;
        if (!echoOff.silenced()) {
            *error = tr("cannot turn off echo on the terminal, so the password is not read "
                        "from it; pipe it in instead");
            return false;
        }
        writeToTerminal(prompt);
        const bool readFirst = readLine(&first, error);
        writeToTerminal(QStringLiteral("\n"));
        if (!readFirst)
            return false;
        if (first.isEmpty()) {
            *error = tr("no password was given; nothing was stored");
            return false;
        }
        writeToTerminal(tr("Repeat the password: "));
        const bool readSecond = readLine(&second, error);
        writeToTerminal(QStringLiteral("\n"));
        if (!readSecond) {
            wipe(&first);
            return false;
        }
    }
    const bool same = first == second;
    wipe(&second);
    if (!same) {
        wipe(&first);
        *error = tr("the two passwords differ; nothing was stored");
        return false;
    }
    if (!QUtf8StringView(first).isValidUtf8()) {
        wipe(&first);
        *error = tr("the password is not valid UTF-8 text");
        return false;
    }
    *password = QString::fromUtf8(first);
    wipe(&first);
    return true;
}

bool PasswordPrompt::read(const QString& prompt, QString* password, QString* error)
{
    if (isatty(STDIN_FILENO))
        return readFromTerminal(prompt, password, error);

    QByteArray line;
    if (!readLine(&line, error))
        return false;
    if (line.isEmpty()) {
        *error = tr("no password on standard input; nothing was stored");
        return false;
    }
    if (!QUtf8StringView(line).isValidUtf8()) {
        wipe(&line);
        *error = tr("the password is not valid UTF-8 text");
        return false;
    }
    *password = QString::fromUtf8(line);
    wipe(&line);
    return true;
}

} // namespace Switchyard
