#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

class QCoreApplication;

namespace Switchyard {

/// Puts Switchyard's own translation and Qt's (standard buttons and dialogs)
/// into the application for one language: the window's, and the terminal's
/// messages in headless runs. Qt Core only; the window sets its layout
/// direction from localeFor() (Persian is right to left).
class AppTranslator
{
public:
    /// language: a code such as "de" or "zh_CN"; empty follows the system.
    /// Returns the language loaded ("en" when English, the source language, is
    /// what the user gets), for the settings page and tests.
    static QString install(QCoreApplication* app, const QString& language);
    /// The languages Switchyard has a translation for, besides English.
    static QStringList available();
    /// The locale a language code stands for (the system's for an empty code).
    static QLocale localeFor(const QString& language);
};

} // namespace Switchyard
