<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fa">
<context>
    <name>AtomicFileWriter</name>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>نوشتن در %1 ممکن نیست: این یک پوشه است</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>نوشتن در %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>cannot restrict the permissions of %1: %2</source>
        <translation>محدود کردن مجوزهای %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2 (%3 of %4 bytes written)</source>
        <translation>نوشتن در %1 ممکن نیست: %2 (%3 از %4 بایت نوشته شد)</translation>
    </message>
</context>
<context>
    <name>AutostartEntry</name>
    <message>
        <source>cannot change the Windows Run key %1</source>
        <translation>تغییر کلید Run ویندوز (%1) ممکن نیست</translation>
    </message>
    <message>
        <source>starting at login through the Windows Run key works on Windows only</source>
        <translation>اجرا هنگام ورود به سیستم از راه کلید Run ویندوز فقط روی ویندوز کار می‌کند</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>ساختن پوشهٔ %1 ممکن نیست</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>نوشتن در %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>cannot remove %1: %2</source>
        <translation>حذف %1 ممکن نیست: %2</translation>
    </message>
</context>
<context>
    <name>BodyDecoder</name>
    <message>
        <source>zlib could not start</source>
        <translation>‏zlib راه‌اندازی نشد</translation>
    </message>
    <message>
        <source>decoded body larger than %1 bytes</source>
        <translation>بدنهٔ رمزگشایی‌شده بزرگ‌تر از %1 بایت است</translation>
    </message>
    <message>
        <source>no compressed data</source>
        <translation>هیچ دادهٔ فشرده‌ای نیست</translation>
    </message>
    <message>
        <source>compressed data ends early</source>
        <translation>دادهٔ فشرده زودتر از انتظار تمام می‌شود</translation>
    </message>
    <message>
        <source>compressed data is damaged after %1 bytes</source>
        <translation>دادهٔ فشرده پس از %1 بایت آسیب دیده است</translation>
    </message>
    <message>
        <source>not valid compressed data</source>
        <translation>دادهٔ فشردهٔ معتبری نیست</translation>
    </message>
    <message>
        <source>the %1 content coding is not decoded</source>
        <translation>کدگذاری محتوای %1 رمزگشایی نمی‌شود</translation>
    </message>
    <message>
        <source>brotli could not start</source>
        <translation>‏brotli راه‌اندازی نشد</translation>
    </message>
    <message>
        <source>not valid brotli data (%1)</source>
        <translation>دادهٔ brotli معتبری نیست (%1)</translation>
    </message>
</context>
<context>
    <name>BodyFormatter</name>
    <message>
        <source>Decoded from %1: %2 sent, %3 decoded</source>
        <translation>رمزگشایی‌شده از %1: %2 ارسالی، %3 پس از رمزگشایی</translation>
    </message>
    <message>
        <source>Decoded from %1 as far as it goes: %2</source>
        <translation>تا جای ممکن از %1 رمزگشایی شد: %2</translation>
    </message>
    <message>
        <source>Shown as sent (%1)</source>
        <translation>به همان شکلی که ارسال شده نمایش داده شده است (%1)</translation>
    </message>
    <message>
        <source>Only the first %1 of the body were captured</source>
        <translation>فقط %1 اول بدنه ثبت شده است</translation>
    </message>
    <message>
        <source>%1 × %2 pixels, %3</source>
        <translation>‏%1 × %2 پیکسل، %3</translation>
    </message>
    <message>
        <source>Text cut after %1 characters</source>
        <translation>متن پس از %1 نویسه بریده شد</translation>
    </message>
    <message>
        <source>Binary, %1</source>
        <translation>دودویی، %1</translation>
    </message>
    <message>
        <source>Hex dump of the first %1</source>
        <translation>نمایش هگز %1 اول</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Run without a window: proxy and log to the terminal until SIGINT or SIGTERM.</source>
        <translation>اجرا بدون پنجره: تا رسیدن SIGINT یا SIGTERM پراکسی می‌کند و در ترمینال گزارش می‌نویسد.</translation>
    </message>
    <message>
        <source>Listen on &lt;address&gt;: host:port, [IPv6]:port or port (default %1).</source>
        <translation>گوش دادن روی &lt;نشانی&gt;: host:port، [IPv6]:port یا port (پیش‌فرض %1).</translation>
    </message>
    <message>
        <source>address</source>
        <translation>نشانی</translation>
    </message>
    <message>
        <source>Headless: append one line per finished request to &lt;file&gt; (default: standard error).</source>
        <translation>بدون پنجره: برای هر درخواست پایان‌یافته یک خط به &lt;فایل&gt; می‌افزاید (پیش‌فرض: خطای استاندارد).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>فایل</translation>
    </message>
    <message>
        <source>Headless: record every finished exchange with its headers and bodies, and write them as HAR 1.2 to &lt;file&gt; when stopped by SIGINT or SIGTERM. Authorization, Proxy-Authorization, Cookie and Set-Cookie values are masked.</source>
        <translation>بدون پنجره: هر تبادل پایان‌یافته را با سرآیندها و بدنه‌هایش ثبت می‌کند و هنگام توقف با SIGINT یا SIGTERM آن‌ها را به‌صورت HAR 1.2 در &lt;فایل&gt; می‌نویسد. مقدارهای Authorization، Proxy-Authorization، Cookie و Set-Cookie پوشانده می‌شوند.</translation>
    </message>
    <message>
        <source>With --har: keep the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie in the file instead of masking them.</source>
        <translation>همراه با --har: مقدارهای Authorization، Proxy-Authorization، Cookie و Set-Cookie را به‌جای پوشاندن، در فایل نگه می‌دارد.</translation>
    </message>
    <message>
        <source>Add a Via header to forwarded requests.</source>
        <translation>سرآیند Via را به درخواست‌های بازارسال‌شده می‌افزاید.</translation>
    </message>
    <message>
        <source>Give up opening an outbound connection after &lt;ms&gt; milliseconds (default %1).</source>
        <translation>اگر برقراری اتصال به بیرون بیش از &lt;ms&gt; میلی‌ثانیه طول بکشد، از آن صرف‌نظر می‌کند (پیش‌فرض %1).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Serve at most &lt;n&gt; client connections at once (default %1).</source>
        <translation>حداکثر &lt;n&gt; اتصال کلاینت را هم‌زمان می‌پذیرد (پیش‌فرض %1).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Send all traffic through the exit &lt;uri&gt;: http://, https://, socks5://, socks5h:// (names resolved by the exit) or socks4a://, with optional user:password@. Traffic never falls back to direct if the exit fails.</source>
        <translation>همهٔ ترافیک را از راه خروجی &lt;uri&gt; می‌فرستد: http://، https://، socks5://، socks5h:// (تفکیک نام در خود خروجی) یا socks4a://، با user:password@ اختیاری. اگر خروجی از کار بیفتد، ترافیک هرگز به اتصال مستقیم برنمی‌گردد.</translation>
    </message>
    <message>
        <source>uri</source>
        <translation>uri</translation>
    </message>
    <message>
        <source>Fetch the --check-url through the exit &lt;uri&gt;, print the status and latency, and exit (0 when it works).</source>
        <translation>نشانی --check-url را از راه خروجی &lt;uri&gt; دریافت می‌کند، وضعیت و تأخیر را چاپ می‌کند و خارج می‌شود (اگر کار کند، با کد 0).</translation>
    </message>
    <message>
        <source>The URL --check-profile fetches (default %1).</source>
        <translation>نشانی‌ای که --check-profile دریافت می‌کند (پیش‌فرض %1).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Read the settings from &lt;file&gt; instead of %1. Headless runs read it and never write it; options given here override it for this run only.</source>
        <translation>تنظیمات را به‌جای %1 از &lt;فایل&gt; می‌خواند. اجراهای بدون پنجره آن را می‌خوانند و هرگز در آن نمی‌نویسند؛ گزینه‌هایی که این‌جا داده شوند فقط برای همین اجرا بر آن مقدم‌اند.</translation>
    </message>
    <message>
        <source>Store the password of the exit &lt;profile&gt; (its id or name) in the system keychain, read without echo from the terminal or from standard input, and exit.</source>
        <translation>گذرواژهٔ &lt;خروجی&gt; (شناسه یا نام آن) را، که بدون نمایش از ترمینال یا از ورودی استاندارد خوانده می‌شود، در جاکلیدی سیستم ذخیره می‌کند و خارج می‌شود.</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>خروجی</translation>
    </message>
    <message>
        <source>Print which rule decides &lt;target&gt; (a URL, or host:port for tunnels) and where it goes, using the settings file and the options given, and exit.</source>
        <translation>با استفاده از فایل تنظیمات و گزینه‌های داده‌شده چاپ می‌کند که کدام قاعده دربارهٔ &lt;مقصد&gt; (یک URL، یا host:port برای تونل‌ها) تصمیم می‌گیرد و به کجا می‌رود، و خارج می‌شود.</translation>
    </message>
    <message>
        <source>target</source>
        <translation>مقصد</translation>
    </message>
    <message>
        <source>Headless: point the desktop&apos;s proxy settings (GNOME, KDE, Windows, macOS) at Switchyard once it listens, and put them back exactly as they were on exit, SIGINT or SIGTERM.</source>
        <translation>بدون پنجره: وقتی Switchyard شروع به گوش دادن کرد، تنظیمات پراکسی میزکار (GNOME، KDE، ویندوز، macOS) را به آن هدایت می‌کند و هنگام خروج، SIGINT یا SIGTERM آن‌ها را دقیقاً به حالت قبل برمی‌گرداند.</translation>
    </message>
    <message>
        <source>Put back the desktop&apos;s proxy settings saved by a Switchyard that stopped while the system proxy pointed at it, and exit (0 restored, 2 nothing to restore, 1 failed).</source>
        <translation>تنظیمات پراکسی میزکار را که یک Switchyard ذخیره کرده و در حالی متوقف شده که پراکسی سیستم هنوز به آن اشاره داشت، بازمی‌گرداند و خارج می‌شود (0: بازگردانده شد، 2: چیزی برای بازگرداندن نبود، 1: ناموفق).</translation>
    </message>
    <message>
        <source>Show this help and exit.</source>
        <translation>این راهنما را نشان می‌دهد و خارج می‌شود.</translation>
    </message>
    <message>
        <source>Show the version and exit.</source>
        <translation>نسخه را نشان می‌دهد و خارج می‌شود.</translation>
    </message>
    <message>
        <source>Switchyard: a local HTTP proxy that shows every request passing through it.</source>
        <translation>Switchyard: یک پراکسی HTTP محلی که هر درخواستی را که از آن می‌گذرد نشان می‌دهد.</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>آرگومان غیرمنتظرهٔ «%1»</translation>
    </message>
    <message>
        <source>--config needs a file name</source>
        <translation>--config به نام فایل نیاز دارد</translation>
    </message>
    <message>
        <source>--restore-system-proxy takes no option but --config (not --%1)</source>
        <translation>--restore-system-proxy جز --config گزینهٔ دیگری نمی‌پذیرد (نه --%1)</translation>
    </message>
    <message>
        <source>--set-password needs the id or name of an exit</source>
        <translation>--set-password به شناسه یا نام یک خروجی نیاز دارد</translation>
    </message>
    <message>
        <source>--set-password takes no option but --config (not --%1)</source>
        <translation>--set-password جز --config گزینهٔ دیگری نمی‌پذیرد (نه --%1)</translation>
    </message>
    <message>
        <source>--system-proxy is for headless runs (add --headless); the window has its own System proxy switch</source>
        <translation>--system-proxy برای اجرای بدون پنجره است (--headless را اضافه کنید)؛ پنجره کلید «پراکسی سیستم» خودش را دارد</translation>
    </message>
    <message>
        <source>--log needs a file name</source>
        <translation>--log به نام فایل نیاز دارد</translation>
    </message>
    <message>
        <source>--har needs a file name</source>
        <translation>--har به نام فایل نیاز دارد</translation>
    </message>
    <message>
        <source>--har records headless runs only: add --headless</source>
        <translation>--har فقط اجراهای بدون پنجره را ثبت می‌کند: --headless را اضافه کنید</translation>
    </message>
    <message>
        <source>--har-unmasked needs --har</source>
        <translation>--har-unmasked به --har نیاز دارد</translation>
    </message>
    <message>
        <source>--check-profile: %1</source>
        <translation>--check-profile: %1</translation>
    </message>
    <message>
        <source>--upstream: %1</source>
        <translation>--upstream: %1</translation>
    </message>
    <message>
        <source>--%1 needs a positive whole number, not &apos;%2&apos;</source>
        <translation>--%1 به یک عدد صحیح مثبت نیاز دارد، نه «%2»</translation>
    </message>
    <message>
        <source>Start with the window hidden in the tray (as at login), when the desktop has a tray.</source>
        <translation>اگر میزکار سینی سیستم دارد، با پنجرهٔ پنهان در سینی سیستم آغاز می‌کند (مانند اجرا هنگام ورود به سیستم).</translation>
    </message>
    <message>
        <source>--hidden is for the window; a headless run has none</source>
        <translation>--hidden مربوط به پنجره است؛ اجرای بدون پنجره، پنجره‌ای ندارد</translation>
    </message>
</context>
<context>
    <name>CurlCommand</name>
    <message>
        <source># the body above is cut: the capture kept only its start</source>
        <translation># بدنهٔ بالا بریده شده است: فقط ابتدای آن ثبت شده بود</translation>
    </message>
</context>
<context>
    <name>GnomeProxyBackend</name>
    <message>
        <source>GNOME (gsettings)</source>
        <translation>GNOME (gsettings)</translation>
    </message>
    <message>
        <source>gsettings is not installed</source>
        <translation>‏gsettings نصب نیست</translation>
    </message>
    <message>
        <source>the GSettings schema %1 is not installed (package gsettings-desktop-schemas)</source>
        <translation>طرح‌وارهٔ GSettings با نام %1 نصب نیست (بستهٔ gsettings-desktop-schemas)</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: %1</source>
        <translation>خواندن تنظیمات پراکسی GNOME ممکن نیست: %1</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: gsettings did not list %1</source>
        <translation>خواندن تنظیمات پراکسی GNOME ممکن نیست: gsettings کلید %1 را فهرست نکرد</translation>
    </message>
    <message>
        <source>cannot change the GNOME proxy setting %1: %2</source>
        <translation>تغییر تنظیم پراکسی GNOME با نام %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>the GNOME proxy settings did not change (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>تنظیمات پراکسی GNOME تغییر نکرد (%1 برابر %2 است، نه %3): gsettings بدون گذرگاه نشست D-Bus نمی‌تواند ذخیره کند</translation>
    </message>
    <message>
        <source>the GNOME proxy settings were not restored (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>تنظیمات پراکسی GNOME بازگردانده نشد (%1 برابر %2 است، نه %3): gsettings بدون گذرگاه نشست D-Bus نمی‌تواند ذخیره کند</translation>
    </message>
    <message>
        <source>the saved GNOME proxy settings are damaged (%1 is missing)</source>
        <translation>تنظیمات ذخیره‌شدهٔ پراکسی GNOME آسیب دیده است (%1 وجود ندارد)</translation>
    </message>
</context>
<context>
    <name>HarReader</name>
    <message>
        <source>not valid JSON at byte %1: %2</source>
        <translation>‏JSON نامعتبر در بایت %1: %2</translation>
    </message>
    <message>
        <source>not a HAR file: no log.entries</source>
        <translation>فایل HAR نیست: log.entries ندارد</translation>
    </message>
    <message>
        <source>entry %1 skipped: it has no request</source>
        <translation>از مورد %1 صرف‌نظر شد: درخواستی ندارد</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>باز کردن %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MiB</source>
        <translation>‏%1 بزرگ‌تر از %2 MiB است</translation>
    </message>
</context>
<context>
    <name>HarWriter</name>
    <message>
        <source>write failed</source>
        <translation>نوشتن ناموفق بود</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>باز کردن %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>نوشتن در %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>cannot save %1: %2</source>
        <translation>ذخیرهٔ %1 ممکن نیست: %2</translation>
    </message>
</context>
<context>
    <name>JsonFieldReader</name>
    <message>
        <source>missing</source>
        <translation>وجود ندارد</translation>
    </message>
    <message>
        <source>must be %1, not %2</source>
        <translation>باید %1 باشد، نه %2</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>‏true یا false</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>یک عدد صحیح</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>باید عددی صحیح از %1 تا %2 باشد، نه %3</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>یک رشته</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>نباید خالی باشد</translation>
    </message>
    <message>
        <source>is not valid base64</source>
        <translation>‏base64 معتبر نیست</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>یک شیء</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>یک فهرست</translation>
    </message>
    <message>
        <source>unknown setting, ignored (it will be dropped when the settings are next saved)</source>
        <translation>تنظیم ناشناخته، نادیده گرفته شد (دفعهٔ بعد که تنظیمات ذخیره شود، حذف می‌شود)</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>true</source>
        <translation>true</translation>
    </message>
    <message>
        <source>false</source>
        <translation>false</translation>
    </message>
    <message>
        <source>the number %1</source>
        <translation>عدد %1</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>هیچ‌چیز</translation>
    </message>
</context>
<context>
    <name>KdeProxyBackend</name>
    <message>
        <source>KDE (kioslaverc)</source>
        <translation>KDE (kioslaverc)</translation>
    </message>
    <message>
        <source>kwriteconfig6/kreadconfig6 or kwriteconfig5/kreadconfig5 are not installed</source>
        <translation>‏kwriteconfig6/kreadconfig6 یا kwriteconfig5/kreadconfig5 نصب نیستند</translation>
    </message>
    <message>
        <source>cannot read the KDE proxy setting %1: %2</source>
        <translation>خواندن تنظیم پراکسی KDE با نام %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>cannot change the KDE proxy setting %1: %2</source>
        <translation>تغییر تنظیم پراکسی KDE با نام %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>the KDE proxy setting %1 did not change (is kioslaverc writable?)</source>
        <translation>تنظیم پراکسی KDE با نام %1 تغییر نکرد (آیا kioslaverc قابل نوشتن است؟)</translation>
    </message>
    <message>
        <source>the saved KDE proxy settings are damaged (%1 is missing)</source>
        <translation>تنظیمات ذخیره‌شدهٔ پراکسی KDE آسیب دیده است (%1 وجود ندارد)</translation>
    </message>
</context>
<context>
    <name>MacNetworkSetup</name>
    <message>
        <source>unexpected answer from networksetup: %1</source>
        <translation>پاسخ غیرمنتظره از networksetup: %1</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged (no services)</source>
        <translation>تنظیمات ذخیره‌شدهٔ پراکسی macOS آسیب دیده است (هیچ سرویسی ندارد)</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged</source>
        <translation>تنظیمات ذخیره‌شدهٔ پراکسی macOS آسیب دیده است</translation>
    </message>
</context>
<context>
    <name>MacProxyBackend</name>
    <message>
        <source>macOS (networksetup)</source>
        <translation>macOS (networksetup)</translation>
    </message>
    <message>
        <source>%1 is missing</source>
        <translation>‏%1 وجود ندارد</translation>
    </message>
    <message>
        <source>networksetup exists only on macOS</source>
        <translation>‏networksetup فقط روی macOS وجود دارد</translation>
    </message>
    <message>
        <source>networksetup %1 failed: %2</source>
        <translation>‏networksetup %1 ناموفق بود: %2</translation>
    </message>
    <message>
        <source>macOS lists no network service to set a proxy on</source>
        <translation>‏macOS هیچ سرویس شبکه‌ای برای تنظیم پراکسی فهرست نمی‌کند</translation>
    </message>
    <message>
        <source>the macOS proxy settings did not change (is an administrator needed?)</source>
        <translation>تنظیمات پراکسی macOS تغییر نکرد (آیا دسترسی مدیر لازم است؟)</translation>
    </message>
</context>
<context>
    <name>PasswordPrompt</name>
    <message>
        <source>cannot read standard input: %1</source>
        <translation>خواندن ورودی استاندارد ممکن نیست: %1</translation>
    </message>
    <message>
        <source>the password is longer than %1 bytes</source>
        <translation>گذرواژه بیش از %1 بایت است</translation>
    </message>
    <message>
        <source>cannot turn off echo on the terminal, so the password is not read from it; pipe it in instead</source>
        <translation>نمایش نویسه‌ها در ترمینال خاموش نمی‌شود، پس گذرواژه از آن خوانده نمی‌شود؛ به‌جای آن، گذرواژه را با pipe به ورودی بدهید</translation>
    </message>
    <message>
        <source>no password was given; nothing was stored</source>
        <translation>گذرواژه‌ای داده نشد؛ چیزی ذخیره نشد</translation>
    </message>
    <message>
        <source>Repeat the password: </source>
        <translation>گذرواژه را تکرار کنید: </translation>
    </message>
    <message>
        <source>the two passwords differ; nothing was stored</source>
        <translation>دو گذرواژه یکسان نیستند؛ چیزی ذخیره نشد</translation>
    </message>
    <message>
        <source>the password is not valid UTF-8 text</source>
        <translation>گذرواژه متن UTF-8 معتبری نیست</translation>
    </message>
    <message>
        <source>no password on standard input; nothing was stored</source>
        <translation>گذرواژه‌ای در ورودی استاندارد نیست؛ چیزی ذخیره نشد</translation>
    </message>
</context>
<context>
    <name>RuleMatcherNames</name>
    <message>
        <source>Host</source>
        <translation>میزبان</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>دامنه</translation>
    </message>
    <message>
        <source>Wildcard</source>
        <translation>الگوی عام</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>کلیدواژه</translation>
    </message>
    <message>
        <source>Host regex</source>
        <translation>عبارت باقاعدهٔ میزبان</translation>
    </message>
    <message>
        <source>URL regex</source>
        <translation>عبارت باقاعدهٔ URL</translation>
    </message>
    <message>
        <source>IP range (CIDR)</source>
        <translation>بازهٔ IP (CIDR)</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>پورت</translation>
    </message>
    <message>
        <source>Exactly this host name.</source>
        <translation>دقیقاً همین نام میزبان.</translation>
    </message>
    <message>
        <source>The domain and every subdomain of it.</source>
        <translation>این دامنه و همهٔ زیردامنه‌های آن.</translation>
    </message>
    <message>
        <source>A host name pattern: * is any text, ? one character.</source>
        <translation>الگوی نام میزبان: * یعنی هر متنی، ? یعنی یک نویسه.</translation>
    </message>
    <message>
        <source>Host names containing this text.</source>
        <translation>نام‌های میزبانی که این متن را دارند.</translation>
    </message>
    <message>
        <source>A regular expression on the host name (case does not matter).</source>
        <translation>یک عبارت باقاعده روی نام میزبان (کوچکی و بزرگی حروف مهم نیست).</translation>
    </message>
    <message>
        <source>A regular expression on the URL of plain HTTP requests, or on host:port for HTTPS and other tunnels.</source>
        <translation>یک عبارت باقاعده روی URL درخواست‌های HTTP ساده، یا روی host:port برای HTTPS و دیگر تونل‌ها.</translation>
    </message>
    <message>
        <source>Destinations given as an IP address within this range (IPv4 or IPv6).</source>
        <translation>مقصدهایی که به‌صورت نشانی IP در این بازه داده شده‌اند (IPv4 یا IPv6).</translation>
    </message>
    <message>
        <source>The destination port, or a range of ports.</source>
        <translation>پورت مقصد، یا بازه‌ای از پورت‌ها.</translation>
    </message>
</context>
<context>
    <name>SecretResult</name>
    <message>
        <source>No password is stored in the system keychain for %1.</source>
        <translation>هیچ گذرواژه‌ای برای %1 در جاکلیدی سیستم ذخیره نشده است.</translation>
    </message>
    <message>
        <source>No system keychain is available (%1). Switchyard keeps passwords only in the system keychain (a Secret Service such as GNOME Keyring, KWallet or KeePassXC); start one, or keep the password in memory for this run only.</source>
        <translation>هیچ جاکلیدی سیستمی در دسترس نیست (%1). Switchyard گذرواژه‌ها را فقط در جاکلیدی سیستم نگه می‌دارد (یک Secret Service مانند GNOME Keyring، KWallet یا KeePassXC)؛ یکی را راه‌اندازی کنید، یا گذرواژه را فقط برای همین اجرا در حافظه نگه دارید.</translation>
    </message>
    <message>
        <source>The system keychain refused access (%1): it is probably locked and unlocking was declined.</source>
        <translation>جاکلیدی سیستم دسترسی را رد کرد (%1): احتمالاً قفل است و باز کردن قفل آن پذیرفته نشد.</translation>
    </message>
    <message>
        <source>The system keychain reported an error: %1</source>
        <translation>جاکلیدی سیستم خطایی گزارش کرد: %1</translation>
    </message>
</context>
<context>
    <name>SettingsCodec</name>
    <message>
        <source>unknown value &quot;%1&quot;; this version of Switchyard knows %2</source>
        <translation>مقدار ناشناختهٔ «%1»؛ این نسخهٔ Switchyard این مقدارها را می‌شناسد: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; contains spaces or control characters</source>
        <translation>‏«%1» فاصله یا نویسهٔ کنترلی دارد</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or IP address</source>
        <translation>‏«%1» نام میزبان یا نشانی IP نیست</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Switchyard settings or export file</source>
        <translation>‏«%1» فایل تنظیمات یا برون‌بری Switchyard نیست</translation>
    </message>
    <message>
        <source>a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>گذرواژه به‌صورت متن ساده: Switchyard گذرواژه‌ها را فقط در جاکلیدی سیستم نگه می‌دارد و دفعهٔ بعد که تنظیمات ذخیره شود، این یکی را از فایل حذف می‌کند</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IP address (or &quot;any&quot;)</source>
        <translation>‏«%1» نشانی IP (یا «any») نیست</translation>
    </message>
    <message>
        <source>must be a port from 1 to 65535, not %1</source>
        <translation>باید پورتی از ۱ تا ۶۵۵۳۵ باشد، نه %1</translation>
    </message>
    <message>
        <source>is longer than 255 bytes, the most SOCKS5 can carry</source>
        <translation>از ۲۵۵ بایت، یعنی بیشترین اندازه‌ای که SOCKS5 می‌تواند حمل کند، بلندتر است</translation>
    </message>
    <message>
        <source>is needed when inbound authentication is required</source>
        <translation>وقتی احراز هویت ورودی الزامی است، لازم است</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>باید یک شیء باشد، نه %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid id: up to 128 letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;~&apos; or &apos;-&apos;</source>
        <translation>‏«%1» شناسهٔ معتبری نیست: حداکثر ۱۲۸ حرف، رقم، «.»، «_»، «~» یا «-»</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is the id of another exit too; ids must be unique</source>
        <translation>‏«%1» شناسهٔ خروجی دیگری هم هست؛ شناسه‌ها باید یکتا باشند</translation>
    </message>
    <message>
        <source>%1 has the same name; name them apart, or use ids where an exit is asked for</source>
        <translation>‏%1 هم همین نام را دارد؛ نام‌های متفاوتی بگذارید، یا هر جا خروجی خواسته می‌شود از شناسه استفاده کنید</translation>
    </message>
    <message>
        <source>no exit has the id &quot;%1&quot;; connections sent there are blocked until one does</source>
        <translation>هیچ خروجی‌ای شناسهٔ «%1» را ندارد؛ اتصال‌هایی که به آن فرستاده شوند تا وقتی چنین خروجی‌ای پیدا شود مسدود می‌شوند</translation>
    </message>
    <message>
        <source>%1; the rule never matches until it is fixed</source>
        <translation>‏%1؛ تا اصلاح نشود، این قاعده هرگز تطبیق نمی‌کند</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name</source>
        <translation>‏«%1» نام میزبان نیست</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is listed twice (names are not case-sensitive)</source>
        <translation>‏«%1» دو بار آمده است (نام‌ها به کوچکی و بزرگی حروف حساس نیستند)</translation>
    </message>
    <message>
        <source>must be an IP address or a list of them, not %1</source>
        <translation>باید یک نشانی IP یا فهرستی از آن‌ها باشد، نه %1</translation>
    </message>
    <message>
        <source>%1 is not an IP address</source>
        <translation>‏%1 نشانی IP نیست</translation>
    </message>
    <message>
        <source>names no address</source>
        <translation>هیچ نشانی‌ای در آن نیامده است</translation>
    </message>
    <message>
        <source>must be a width in pixels from 0 to %1, not %2</source>
        <translation>باید پهنایی بر حسب پیکسل از ۰ تا %1 باشد، نه %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a language code such as &quot;de&quot; or &quot;pt_BR&quot; (empty follows the system)</source>
        <translation>‏«%1» کد زبانی مانند «de» یا «pt_BR» نیست (خالی یعنی پیروی از سیستم)</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>فایل خالی است</translation>
    </message>
    <message>
        <source>binary data (a zero byte): this is not a settings file</source>
        <translation>دادهٔ دودویی (یک بایت صفر): این فایل تنظیمات نیست</translation>
    </message>
    <message>
        <source>the file is not UTF-8 text: it is damaged or not a settings file</source>
        <translation>فایل متن UTF-8 نیست: یا آسیب دیده است یا فایل تنظیمات نیست</translation>
    </message>
    <message>
        <source>not valid JSON: %1</source>
        <translation>‏JSON معتبر نیست: %1</translation>
    </message>
    <message>
        <source>the file holds %1, not a settings object</source>
        <translation>فایل %1 را در خود دارد، نه یک شیء تنظیمات</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>یک فهرست</translation>
    </message>
    <message>
        <source>a single value</source>
        <translation>یک مقدار تکی</translation>
    </message>
    <message>
        <source>missing; every Switchyard settings file names its version</source>
        <translation>وجود ندارد؛ هر فایل تنظیمات Switchyard نسخهٔ خود را مشخص می‌کند</translation>
    </message>
    <message>
        <source>must be a whole number, not %1</source>
        <translation>باید عدد صحیح باشد، نه %1</translation>
    </message>
    <message>
        <source>the file was written by a newer Switchyard (settings version %1); this one reads versions 1 to %2</source>
        <translation>این فایل را Switchyard جدیدتری نوشته است (نسخهٔ تنظیمات %1)؛ این نسخه فقط نسخه‌های ۱ تا %2 را می‌خواند</translation>
    </message>
    <message>
        <source>%1 is not a settings version</source>
        <translation>‏%1 نسخهٔ تنظیمات نیست</translation>
    </message>
</context>
<context>
    <name>SettingsDocument</name>
    <message>
        <source>there is no exit with the id or name &quot;%1&quot;</source>
        <translation>هیچ خروجی‌ای با شناسه یا نام «%1» وجود ندارد</translation>
    </message>
    <message>
        <source>%1 exits are named &quot;%2&quot;; give the id instead (%3)</source>
        <translation>‏%1 خروجی با نام «%2» وجود دارد؛ به‌جای نام، شناسه را بدهید (%3)</translation>
    </message>
</context>
<context>
    <name>SettingsLoadResult</name>
    <message>
        <source>The settings in %1 cannot be used:</source>
        <translation>تنظیمات موجود در %1 قابل استفاده نیست:</translation>
    </message>
    <message>
        <source>The settings in %1 were read, with warnings:</source>
        <translation>تنظیمات موجود در %1 با این هشدارها خوانده شد:</translation>
    </message>
    <message>
        <source>That file was kept as %1.</source>
        <translation>آن فایل با نام %1 نگه داشته شد.</translation>
    </message>
    <message>
        <source>Switchyard started from the last good version of the settings (the backup).</source>
        <translation>‏Switchyard با آخرین نسخهٔ سالم تنظیمات (نسخهٔ پشتیبان) آغاز شد.</translation>
    </message>
    <message>
        <source>The backup cannot be used either:</source>
        <translation>نسخهٔ پشتیبان هم قابل استفاده نیست:</translation>
    </message>
    <message>
        <source>Switchyard started with the default settings.</source>
        <translation>‏Switchyard با تنظیمات پیش‌فرض آغاز شد.</translation>
    </message>
    <message>
        <source>The settings were written by an older Switchyard (version %1); they are saved in the current format the next time they are saved.</source>
        <translation>این تنظیمات را Switchyard قدیمی‌تری نوشته است (نسخهٔ %1)؛ دفعهٔ بعد که ذخیره شوند، با قالب فعلی ذخیره می‌شوند.</translation>
    </message>
</context>
<context>
    <name>SettingsMigration</name>
    <message>
        <source>it cannot be parsed as a URI</source>
        <translation>نمی‌توان آن را به‌عنوان URI تجزیه کرد</translation>
    </message>
    <message>
        <source>no migration from settings version %1</source>
        <translation>هیچ راهی برای ارتقا از نسخهٔ تنظیمات %1 وجود ندارد</translation>
    </message>
    <message>
        <source>not a usable proxy URI: %1</source>
        <translation>‏URI پراکسی قابل استفاده نیست: %1</translation>
    </message>
    <message>
        <source>holds a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>گذرواژه را به‌صورت متن ساده در خود دارد: Switchyard گذرواژه‌ها را فقط در جاکلیدی سیستم نگه می‌دارد و دفعهٔ بعد که تنظیمات ذخیره شود، این یکی را از فایل حذف می‌کند</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>باید یک شیء باشد، نه %1</translation>
    </message>
    <message>
        <source>unknown rule type &quot;%1&quot;; version 1 knew &quot;host&quot;, &quot;domain&quot;, &quot;wildcard&quot;, &quot;keyword&quot;, &quot;regex&quot; and &quot;cidr&quot;</source>
        <translation>نوع قاعدهٔ ناشناختهٔ «%1»؛ نسخهٔ ۱ این نوع‌ها را می‌شناخت: «host»، «domain»، «wildcard»، «keyword»، «regex» و «cidr»</translation>
    </message>
    <message>
        <source>&quot;upstream&quot;, but the file names no usable upstream</source>
        <translation>‏«upstream»، اما فایل هیچ upstream قابل استفاده‌ای مشخص نکرده است</translation>
    </message>
    <message>
        <source>unknown action &quot;%1&quot;; version 1 knew &quot;direct&quot;, &quot;upstream&quot; and &quot;block&quot;</source>
        <translation>اقدام ناشناختهٔ «%1»؛ نسخهٔ ۱ این اقدام‌ها را می‌شناخت: «direct»، «upstream» و «block»</translation>
    </message>
</context>
<context>
    <name>SettingsStore</name>
    <message>
        <source>cannot open it: %1</source>
        <translation>باز کردن آن ممکن نیست: %1</translation>
    </message>
    <message>
        <source>it is %1 MiB, too big to be settings</source>
        <translation>حجم آن %1 MiB است؛ برای فایل تنظیمات بیش از حد بزرگ است</translation>
    </message>
    <message>
        <source>cannot read it: %1</source>
        <translation>خواندن آن ممکن نیست: %1</translation>
    </message>
    <message>
        <source>it is a folder, not a file</source>
        <translation>این یک پوشه است، نه فایل</translation>
    </message>
    <message>
        <source>The unusable file could not be moved aside to %1; it is left where it is and will not be saved over.</source>
        <translation>انتقال فایل غیرقابل استفاده به %1 ممکن نشد؛ سر جایش ماند و چیزی روی آن ذخیره نخواهد شد.</translation>
    </message>
    <message>
        <source>The backup could not be restored: %1</source>
        <translation>بازگردانی نسخهٔ پشتیبان ممکن نشد: %1</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>ساختن پوشهٔ %1 ممکن نیست</translation>
    </message>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>نوشتن در %1 ممکن نیست: این یک پوشه است</translation>
    </message>
    <message>
        <source>%1 is not the version Switchyard read, and it could not be kept aside as %2; the settings were not saved over it</source>
        <translation>‏%1 همان نسخه‌ای نیست که Switchyard خوانده بود و نگه داشتن آن با نام %2 هم ممکن نشد؛ تنظیمات روی آن ذخیره نشد</translation>
    </message>
    <message>
        <source>%1 could not be read; it was kept as %2</source>
        <translation>‏%1 خوانده نشد؛ با نام %2 نگه داشته شد</translation>
    </message>
    <message>
        <source>%1 had been changed by another program since Switchyard read it; that version was kept as %2</source>
        <translation>‏%1 پس از آن‌که Switchyard آن را خواند، به دست برنامهٔ دیگری تغییر کرده بود؛ آن نسخه با نام %2 نگه داشته شد</translation>
    </message>
    <message>
        <source>the backup could not be written, so the settings were not saved: %1</source>
        <translation>نسخهٔ پشتیبان نوشته نشد، پس تنظیمات ذخیره نشد: %1</translation>
    </message>
</context>
<context>
    <name>SpeedMeter</name>
    <message>
        <source>%1 B/s</source>
        <translation>%1 B/s</translation>
    </message>
    <message>
        <source>%1 KB/s</source>
        <translation>%1 KB/s</translation>
    </message>
    <message>
        <source>%1 MB/s</source>
        <translation>%1 MB/s</translation>
    </message>
    <message>
        <source>%1 GB/s</source>
        <translation>%1 GB/s</translation>
    </message>
</context>
<context>
    <name>Switchyard::AppActions</name>
    <message>
        <source>Proxy enabled</source>
        <translation>پراکسی فعال</translation>
    </message>
    <message>
        <source>System proxy</source>
        <translation>پراکسی سیستم</translation>
    </message>
    <message>
        <source>Open Switchyard</source>
        <translation>باز کردن Switchyard</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>خروج از برنامه</translation>
    </message>
    <message>
        <source>Start or stop listening for proxy clients</source>
        <translation>شروع یا توقف گوش دادن برای کلاینت‌های پراکسی</translation>
    </message>
    <message>
        <source>Point the desktop&apos;s proxy settings at Switchyard; switching off restores what was there before</source>
        <translation>تنظیمات پراکسی میزکار را به Switchyard هدایت می‌کند؛ با خاموش کردن، تنظیمات قبلی بازگردانده می‌شود</translation>
    </message>
</context>
<context>
    <name>Switchyard::DesktopSession</name>
    <message>
        <source>Settings</source>
        <translation>تنظیمات</translation>
    </message>
    <message>
        <source>This desktop has no system tray: closing the window quits Switchyard.</source>
        <translation>این میزکار سینی سیستم ندارد: بستن پنجره به اجرای Switchyard پایان می‌دهد.</translation>
    </message>
    <message>
        <source>Switchyard keeps running in the tray. Use Quit in its menu to stop it; the Settings page can make closing the window quit.</source>
        <translation>‏Switchyard در سینی سیستم به کار خود ادامه می‌دهد. برای توقف آن، «خروج از برنامه» را در منوی آن بزنید؛ در صفحهٔ تنظیمات می‌توانید بستن پنجره را به خروج از برنامه تبدیل کنید.</translation>
    </message>
    <message>
        <source>added from the traffic view</source>
        <translation>افزوده‌شده از نمای ترافیک</translation>
    </message>
    <message>
        <source>%1 now goes: %2 (rule 1 on the Rules page)</source>
        <translation>مسیر %1 از این پس: %2 (قاعدهٔ ۱ در صفحهٔ قاعده‌ها)</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>قاعده‌ها</translation>
    </message>
    <message>
        <source>Exits</source>
        <translation>خروجی‌ها</translation>
    </message>
    <message>
        <source>Start at login could not be changed: %1</source>
        <translation>اجرا هنگام ورود به سیستم تغییر نکرد: %1</translation>
    </message>
    <message>
        <source>Switchyard starts at login (%1).</source>
        <translation>‏Switchyard هنگام ورود به سیستم اجرا می‌شود (%1).</translation>
    </message>
    <message>
        <source>Switchyard no longer starts at login.</source>
        <translation>‏Switchyard دیگر هنگام ورود به سیستم اجرا نمی‌شود.</translation>
    </message>
</context>
<context>
    <name>Switchyard::EventLogView</name>
    <message>
        <source>Finished requests appear here.</source>
        <translation>درخواست‌های پایان‌یافته این‌جا نمایش داده می‌شوند.</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitListModel</name>
    <message>
        <source>unchecked</source>
        <translation>بررسی‌نشده</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>در حال بررسی…</translation>
    </message>
    <message>
        <source>waiting for password</source>
        <translation>در انتظار گذرواژه</translation>
    </message>
    <message>
        <source>OK %1 ms</source>
        <translation>سالم، %1 ms</translation>
    </message>
    <message>
        <source>failing: %1</source>
        <translation>دچار خطا: %1</translation>
    </message>
    <message>
        <source>%1 (any certificate)</source>
        <translation>‏%1 (هر گواهی)</translation>
    </message>
    <message>
        <source>Its password is not available yet, so traffic routed through it is blocked.</source>
        <translation>گذرواژهٔ آن هنوز در دسترس نیست، پس ترافیکی که از آن هدایت می‌شود مسدود است.</translation>
    </message>
    <message>
        <source>Last check: HTTP %1 after %2 ms</source>
        <translation>آخرین بررسی: HTTP %1 پس از %2 ms</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>نام</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>نوع</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>نشانی</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>وضعیت</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitPicker</name>
    <message>
        <source>Where traffic goes when no rule matches it</source>
        <translation>جایی که ترافیک بدون قاعدهٔ منطبق به آن می‌رود</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitsPage</name>
    <message>
        <source>&amp;New</source>
        <translation>خر&amp;وجی جدید</translation>
    </message>
    <message>
        <source>&amp;Add as new exit</source>
        <translation>افزو&amp;دن به‌عنوان خروجی جدید</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>&amp;ذخیرهٔ تغییرات</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>حذ&amp;ف…</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>بررسی &amp;اتصال</translation>
    </message>
    <message>
        <source>Fetch the URL through the selected exit, as saved</source>
        <translation>دریافت URL از راه خروجی انتخاب‌شده، با تنظیمات ذخیره‌شدهٔ آن</translation>
    </message>
    <message>
        <source>The URL the check fetches through the exit</source>
        <translation>نشانی‌ای که بررسی از راه خروجی دریافت می‌کند</translation>
    </message>
    <message>
        <source>Check URL:</source>
        <translation>نشانی بررسی:</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>ذخیره نشد: %1</translation>
    </message>
    <message>
        <source>Exit “%1” added.</source>
        <translation>خروجی «%1» افزوده شد.</translation>
    </message>
    <message>
        <source>Exit “%1” saved.</source>
        <translation>خروجی «%1» ذخیره شد.</translation>
    </message>
    <message>
        <source>Storing the password of “%1” in the system keychain…</source>
        <translation>در حال ذخیرهٔ گذرواژهٔ «%1» در جاکلیدی سیستم…</translation>
    </message>
    <message>
        <source>The password of “%1” is stored in the system keychain.</source>
        <translation>گذرواژهٔ «%1» در جاکلیدی سیستم ذخیره شد.</translation>
    </message>
    <message>
        <source>The password of “%1” is kept in memory until Switchyard quits; it was not written anywhere. %2</source>
        <translation>گذرواژهٔ «%1» تا بسته شدن Switchyard در حافظه نگه داشته می‌شود و در هیچ جا نوشته نشد. %2</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2 Traffic through this exit is blocked until it has its password.</source>
        <translation>گذرواژهٔ «%1» ذخیره نشد: %2 تا گذرواژهٔ این خروجی تعیین نشود، ترافیکی که از آن می‌گذرد مسدود است.</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2</source>
        <translation>گذرواژهٔ «%1» ذخیره نشد: %2</translation>
    </message>
    <message>
        <source>Password not stored</source>
        <translation>گذرواژه ذخیره نشد</translation>
    </message>
    <message>
        <source>Keep the password in memory for this run only? It is not written anywhere, and you will have to enter it again after Switchyard restarts.</source>
        <translation>گذرواژه فقط برای همین اجرا در حافظه نگه داشته شود؟ در هیچ جا نوشته نمی‌شود و پس از اجرای دوبارهٔ Switchyard باید آن را دوباره وارد کنید.</translation>
    </message>
    <message>
        <source>Delete exit</source>
        <translation>حذف خروجی</translation>
    </message>
    <message>
        <source>Delete the exit “%1”?</source>
        <translation>خروجی «%1» حذف شود؟</translation>
    </message>
    <message numerus="yes">
        <source>%Ln rule(s) route through it; their traffic will be blocked until you change them.</source>
        <translation>
            <numerusform>%Ln قاعده ترافیک را از آن هدایت می‌کند؛ تا آن‌ها را تغییر ندهید، ترافیکشان مسدود خواهد بود.</numerusform>
        </translation>
    </message>
    <message>
        <source>No rule routes through it.</source>
        <translation>هیچ قاعده‌ای ترافیک را از آن هدایت نمی‌کند.</translation>
    </message>
    <message>
        <source>Traffic no rule matches goes through it too and will be blocked until you pick another exit.</source>
        <translation>ترافیکی که با هیچ قاعده‌ای تطبیق نمی‌کند نیز از آن می‌گذرد و تا خروجی دیگری انتخاب نکنید، مسدود خواهد بود.</translation>
    </message>
    <message>
        <source>Its password is removed from the system keychain.</source>
        <translation>گذرواژهٔ آن از جاکلیدی سیستم حذف می‌شود.</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>حذف نشد: %1</translation>
    </message>
    <message>
        <source>Exit “%1” deleted.</source>
        <translation>خروجی «%1» حذف شد.</translation>
    </message>
    <message>
        <source>The check URL must be an http:// or https:// URL.</source>
        <translation>‏URL بررسی باید با http:// یا https:// شروع شود.</translation>
    </message>
    <message>
        <source>Not checked: the password of this exit is not available yet.</source>
        <translation>بررسی نشد: گذرواژهٔ این خروجی هنوز در دسترس نیست.</translation>
    </message>
    <message>
        <source>Not checked: this exit is not in use.</source>
        <translation>بررسی نشد: این خروجی در حال استفاده نیست.</translation>
    </message>
    <message>
        <source>Checking %1 through “%2”…</source>
        <translation>در حال بررسی %1 از راه «%2»…</translation>
    </message>
    <message>
        <source>OK: HTTP %1 after %2 ms.</source>
        <translation>سالم: HTTP %1 پس از %2 ms.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>ناموفق: %1</translation>
    </message>
    <message>
        <source>The password of “%1” was removed from the system keychain.</source>
        <translation>گذرواژهٔ «%1» از جاکلیدی سیستم حذف شد.</translation>
    </message>
    <message>
        <source>The password of “%1” was not removed: %2</source>
        <translation>گذرواژهٔ «%1» حذف نشد: %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::HeadlessRunner</name>
    <message>
        <source>the proxy did not stop within %1 seconds</source>
        <translation>پراکسی ظرف %1 ثانیه متوقف نشد</translation>
    </message>
    <message>
        <source>cannot open the log file %1: %2</source>
        <translation>باز کردن فایل گزارش %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>گوش دادن روی %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>the proxy stopped unexpectedly</source>
        <translation>پراکسی به‌طور غیرمنتظره متوقف شد</translation>
    </message>
    <message>
        <source>cannot write the log, logging stops: %1</source>
        <translation>نوشتن گزارش ممکن نیست، ثبت گزارش متوقف می‌شود: %1</translation>
    </message>
    <message numerus="yes">
        <source>Switchyard wrote %n exchanges to %1</source>
        <translation>
            <numerusform>Switchyard تعداد %n تبادل را در %1 نوشت</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::MainWindow</name>
    <message>
        <source>Proxy</source>
        <translation>پراکسی</translation>
    </message>
    <message>
        <source>Exit:</source>
        <translation>خروجی:</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>ترافیک</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>در حال گوش دادن روی %1</translation>
    </message>
    <message>
        <source>Not listening (%1)</source>
        <translation>گوش نمی‌دهد (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln connection(s)</source>
        <translation>
            <numerusform>%Ln اتصال</numerusform>
        </translation>
    </message>
    <message>
        <source>↑ %1  ↓ %2</source>
        <translation>↑ %1  ↓ %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::PasswordCommand</name>
    <message>
        <source>there are no exits yet: %1 does not exist</source>
        <translation>هنوز هیچ خروجی‌ای وجود ندارد: %1 وجود ندارد</translation>
    </message>
    <message>
        <source>cannot read the settings in %1, so the exit cannot be found</source>
        <translation>تنظیمات موجود در %1 خوانده نمی‌شود، پس خروجی پیدا نمی‌شود</translation>
    </message>
    <message>
        <source>%1 (in %2)</source>
        <translation>%1 (در %2)</translation>
    </message>
    <message>
        <source>exit &quot;%1&quot; is SOCKS4a, which has no passwords</source>
        <translation>خروجی «%1» از نوع SOCKS4a است که گذرواژه ندارد</translation>
    </message>
    <message>
        <source>note: exit &quot;%1&quot; has no user name; the password is used once it has one</source>
        <translation>توجه: خروجی «%1» نام کاربری ندارد؛ گذرواژه وقتی به کار می‌رود که نام کاربری داشته باشد</translation>
    </message>
    <message>
        <source>Password for exit &quot;%1&quot;: </source>
        <translation>گذرواژهٔ خروجی «%1»: </translation>
    </message>
    <message>
        <source>The password for exit &quot;%1&quot; (%2) is stored in the system keychain.</source>
        <translation>گذرواژهٔ خروجی «%1» (%2) در جاکلیدی سیستم ذخیره شد.</translation>
    </message>
    <message>
        <source>cannot store the password: %1</source>
        <translation>ذخیرهٔ گذرواژه ممکن نیست: %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProfileForm</name>
    <message>
        <source>&amp;Fill from URI</source>
        <translation>تکمیل ا&amp;ز روی URI</translation>
    </message>
    <message>
        <source>Resolve names at the exit (no local DNS lookup)</source>
        <translation>تفکیک نام در خود خروجی (بدون جست‌وجوی DNS محلی)</translation>
    </message>
    <message>
        <source>Accept any certificate (self-signed)</source>
        <translation>پذیرش هر گواهی (حتی خودامضا)</translation>
    </message>
    <message>
        <source>Paste a proxy URI, e.g. socks5h://user:pass@host:1080</source>
        <translation>یک URI پراکسی جای‌گذاری کنید، مثلاً socks5h://user:pass@host:1080</translation>
    </message>
    <message>
        <source>proxy.example.net or 192.0.2.10</source>
        <translation>‏proxy.example.net یا 192.0.2.10</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(هیچ)</translation>
    </message>
    <message>
        <source>Warning: any certificate is accepted, so anyone between you and this exit can pretend to be it and read your traffic. Use this only for an exit you run yourself on a network you trust.</source>
        <translation>هشدار: هر گواهی‌ای پذیرفته می‌شود، پس هر کسی که میان شما و این خروجی باشد می‌تواند خود را جای آن جا بزند و ترافیک شما را بخواند. این گزینه را فقط برای خروجی‌ای به کار ببرید که خودتان روی شبکه‌ای مورد اعتماد اجرا می‌کنید.</translation>
    </message>
    <message>
        <source>&amp;URI:</source>
        <translation>‏&amp;URI:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>نا&amp;م:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>نو&amp;ع:</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>میزبا&amp;ن:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>پور&amp;ت:</translation>
    </message>
    <message>
        <source>User na&amp;me:</source>
        <translation>نام کا&amp;ربری:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>گذروا&amp;ژه:</translation>
    </message>
    <message>
        <source>user id (optional)</source>
        <translation>شناسهٔ کاربر (اختیاری)</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>اختیاری</translation>
    </message>
    <message>
        <source>unchanged (in the system keychain); type to replace</source>
        <translation>بدون تغییر (در جاکلیدی سیستم)؛ برای جایگزینی تایپ کنید</translation>
    </message>
    <message>
        <source>optional; kept in the system keychain</source>
        <translation>اختیاری؛ در جاکلیدی سیستم نگه داشته می‌شود</translation>
    </message>
    <message>
        <source>Give the exit a name.</source>
        <translation>برای خروجی نامی بگذارید.</translation>
    </message>
    <message>
        <source>This exit cannot be used: %1</source>
        <translation>این خروجی قابل استفاده نیست: %1</translation>
    </message>
    <message>
        <source>paste a URI such as http://proxy.example:3128 first</source>
        <translation>نخست یک URI مانند http://proxy.example:3128 جای‌گذاری کنید</translation>
    </message>
    <message>
        <source>Not a usable proxy URI: %1</source>
        <translation>‏URI پراکسی قابل استفاده نیست: %1</translation>
    </message>
    <message>
        <source>&amp;Remove the stored password</source>
        <translation>&amp;حذف گذرواژهٔ ذخیره‌شده</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProxyController</name>
    <message>
        <source>Proxy off</source>
        <translation>پراکسی خاموش</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>در حال توقف…</translation>
    </message>
    <message>
        <source>Starting on %1…</source>
        <translation>در حال راه‌اندازی روی %1…</translation>
    </message>
    <message>
        <source>On, %1 — direct</source>
        <translation>روشن، %1 — مستقیم</translation>
    </message>
    <message>
        <source>On, %1 — through %2</source>
        <translation>روشن، %1 — از راه %2</translation>
    </message>
    <message>
        <source>On, %1 — unmatched traffic blocked</source>
        <translation>روشن، %1 — ترافیک بدون قاعده مسدود</translation>
    </message>
    <message>
        <source>Cannot listen on %1: %2</source>
        <translation>گوش دادن روی %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>On, %1 — exit &quot;%2&quot; is failing; its traffic is blocked</source>
        <translation>روشن، %1 — خروجی «%2» دچار خطاست؛ ترافیک آن مسدود است</translation>
    </message>
</context>
<context>
    <name>Switchyard::RouteActionCombo</name>
    <message>
        <source>Direct</source>
        <translation>مستقیم</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>مسدود کردن</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>از راه %1</translation>
    </message>
    <message>
        <source>Through %1 (waiting for password)</source>
        <translation>از راه %1 (در انتظار گذرواژه)</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>از راه %1 (دچار خطا)</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>خروجی ناموجود (مسدود)</translation>
    </message>
    <message>
        <source>The exit this rule routes through was deleted: its traffic is blocked until you pick another action.</source>
        <translation>خروجی‌ای که این قاعده ترافیک را از آن هدایت می‌کرد حذف شده است: تا اقدام دیگری انتخاب نکنید، ترافیک آن مسدود است.</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleEditDialog</name>
    <message>
        <source>Enabled</source>
        <translation>فعال</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>قاعده</translation>
    </message>
    <message>
        <source>Optional note for yourself</source>
        <translation>یادداشت اختیاری برای خودتان</translation>
    </message>
    <message>
        <source>&amp;Matcher:</source>
        <translation>&amp;روش تطبیق:</translation>
    </message>
    <message>
        <source>&amp;Pattern:</source>
        <translation>&amp;الگو:</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>اقدا&amp;م:</translation>
    </message>
    <message>
        <source>&amp;Comment:</source>
        <translation>یا&amp;دداشت:</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>مثلاً %1</translation>
    </message>
    <message>
        <source>Invalid pattern: %1</source>
        <translation>الگوی نامعتبر: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>ذخیره نشد: %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleImportDialog</name>
    <message>
        <source>Import rules from %1</source>
        <translation>درون‌ریزی قاعده‌ها از %1</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>تشخیص خودکار</translation>
    </message>
    <message>
        <source>AutoProxy / gfwlist</source>
        <translation>AutoProxy / gfwlist</translation>
    </message>
    <message>
        <source>Plain host list / hosts file</source>
        <translation>فهرست سادهٔ میزبان‌ها / فایل hosts</translation>
    </message>
    <message>
        <source>Every line was used.</source>
        <translation>همهٔ خط‌ها به کار رفت.</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>نو&amp;ع فهرست:</translation>
    </message>
    <message>
        <source>&amp;New rules:</source>
        <translation>قاعد&amp;ه‌های جدید:</translation>
    </message>
    <message>
        <source>Lines not imported:</source>
        <translation>خط‌های درون‌ریزی‌نشده:</translation>
    </message>
    <message>
        <source>AutoProxy list (base64)</source>
        <translation>فهرست AutoProxy (base64)</translation>
    </message>
    <message>
        <source>AutoProxy list</source>
        <translation>فهرست AutoProxy</translation>
    </message>
    <message>
        <source>plain host list</source>
        <translation>فهرست سادهٔ میزبان‌ها</translation>
    </message>
    <message numerus="yes">
        <source>%1: %Ln rule(s) from %2 line(s).</source>
        <translation>
            <numerusform>‏%1: %Ln قاعده از %2 خط.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) gave rules, </source>
        <translation>
            <numerusform>%Ln خط به قاعده تبدیل شد، </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln comment or header line(s), </source>
        <translation>
            <numerusform>%Ln خط توضیح یا سرآیند، </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln blank line(s), </source>
        <translation>
            <numerusform>%Ln خط خالی، </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entry(ies) skipped.</source>
        <translation>
            <numerusform>از %Ln مورد صرف‌نظر شد.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exceptions (@@ lines) go direct and come first.</source>
        <translation>استثناها (خط‌های @@) مستقیم می‌روند و در ابتدا قرار می‌گیرند.</translation>
    </message>
    <message>
        <source>line %1: %2 (%3)</source>
        <translation>خط %1: %2 (%3)</translation>
    </message>
    <message numerus="yes">
        <source>Append %Ln rule(s)</source>
        <translation>
            <numerusform>افزودن %Ln قاعده</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleTableModel</name>
    <message>
        <source>Direct</source>
        <translation>مستقیم</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>مسدود کردن</translation>
    </message>
    <message>
        <source>blocked: exit missing</source>
        <translation>مسدود: خروجی وجود ندارد</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>از راه %1 (دچار خطا)</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>از راه %1</translation>
    </message>
    <message>
        <source>Enabled: this rule takes part in matching</source>
        <translation>فعال: این قاعده در تطبیق شرکت می‌کند</translation>
    </message>
    <message>
        <source>Disabled: this rule is skipped</source>
        <translation>غیرفعال: از این قاعده صرف‌نظر می‌شود</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>فعال</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>غیرفعال</translation>
    </message>
    <message>
        <source>Invalid pattern, this rule never matches: %1</source>
        <translation>الگوی نامعتبر؛ این قاعده هرگز تطبیق نمی‌کند: %1</translation>
    </message>
    <message>
        <source>The exit this rule routes through is gone, so its traffic is blocked: %1</source>
        <translation>خروجی‌ای که این قاعده ترافیک را از آن هدایت می‌کند دیگر وجود ندارد، پس ترافیک آن مسدود است: %1</translation>
    </message>
    <message>
        <source>On</source>
        <translation>فعال</translation>
    </message>
    <message>
        <source>Matcher</source>
        <translation>روش تطبیق</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>الگو</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>اقدام</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>یادداشت</translation>
    </message>
    <message>
        <source>There is no rule #%1.</source>
        <translation>قاعدهٔ شمارهٔ %1 وجود ندارد.</translation>
    </message>
</context>
<context>
    <name>Switchyard::RulesPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>افزو&amp;دن…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;ویرایش…</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>&amp;رونوشت</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>حذ&amp;ف</translation>
    </message>
    <message>
        <source>E&amp;nable</source>
        <translation>فعال‌سا&amp;زی</translation>
    </message>
    <message>
        <source>Di&amp;sable</source>
        <translation>غیرفعال‌ساز&amp;ی</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation>انتقا&amp;ل به بالا</translation>
    </message>
    <message>
        <source>Move do&amp;wn</source>
        <translation>&amp;انتقال به پایین</translation>
    </message>
    <message>
        <source>&amp;Import list…</source>
        <translation>درو&amp;ن‌ریزی فهرست…</translation>
    </message>
    <message>
        <source>E&amp;xplain</source>
        <translation>شر&amp;ح</translation>
    </message>
    <message>
        <source>Add a rule after the selected ones (or at the end)</source>
        <translation>افزودن قاعده پس از قاعده‌های انتخاب‌شده (یا در انتها)</translation>
    </message>
    <message>
        <source>Earlier rules win: move the selected rules up</source>
        <translation>قاعده‌های بالاتر مقدم‌اند: انتقال قاعده‌های انتخاب‌شده به بالا</translation>
    </message>
    <message>
        <source>Move the selected rules down</source>
        <translation>انتقال قاعده‌های انتخاب‌شده به پایین</translation>
    </message>
    <message>
        <source>Append the rules of an AutoProxy/gfwlist or plain host list</source>
        <translation>افزودن قاعده‌های یک فهرست AutoProxy/gfwlist یا فهرست سادهٔ میزبان‌ها به انتها</translation>
    </message>
    <message>
        <source>URL or host:port, e.g. https://example.com/</source>
        <translation>‏URL یا host:port، مثلاً https://example.com/</translation>
    </message>
    <message>
        <source>Where does this go?</source>
        <translation>این به کجا می‌رود؟</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>تغییر نکرد: %1</translation>
    </message>
    <message>
        <source>Traffic no rule matches: %1</source>
        <translation>ترافیکی که با هیچ قاعده‌ای تطبیق نمی‌کند: %1</translation>
    </message>
    <message>
        <source>Import a rule list</source>
        <translation>درون‌ریزی فهرست قاعده‌ها</translation>
    </message>
    <message>
        <source>Rule lists (*.txt *.list *.conf);;All files (*)</source>
        <translation>فهرست‌های قاعده (*.txt *.list *.conf);;همهٔ فایل‌ها (*)</translation>
    </message>
    <message>
        <source>Add a rule</source>
        <translation>افزودن قاعده</translation>
    </message>
    <message>
        <source>Edit rule #%1</source>
        <translation>ویرایش قاعدهٔ شمارهٔ %1</translation>
    </message>
    <message>
        <source>Not duplicated: %1</source>
        <translation>رونوشت ساخته نشد: %1</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>حذف نشد: %1</translation>
    </message>
    <message numerus="yes">
        <source>Deleted %Ln rule(s).</source>
        <translation>
            <numerusform>%Ln قاعده حذف شد.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>جابه‌جا نشد: %1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>خواندن %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>%1 is too big for a rule list (%2 bytes).</source>
        <translation>‏%1 برای فهرست قاعده‌ها بیش از حد بزرگ است (%2 بایت).</translation>
    </message>
    <message>
        <source>Nothing imported: %1</source>
        <translation>چیزی درون‌ریزی نشد: %1</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln rule(s) from %1; %2 line(s) skipped.</source>
        <translation>
            <numerusform>%Ln قاعده از %1 درون‌ریزی شد؛ از %2 خط صرف‌نظر شد.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a URL or host:port to see which rule decides it.</source>
        <translation>یک URL یا host:port وارد کنید تا ببینید کدام قاعده دربارهٔ آن تصمیم می‌گیرد.</translation>
    </message>
    <message>
        <source>Cannot explain “%1”: %2</source>
        <translation>توضیح «%1» ممکن نیست: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No rule matches %1: the default action applies, %2.</source>
        <translation>هیچ قاعده‌ای با %1 تطبیق نمی‌کند: اقدام پیش‌فرض اعمال می‌شود، یعنی %2.</translation>
    </message>
    <message>
        <source>Rule #%1 decides %2: %3.
%4</source>
        <translation>قاعدهٔ شمارهٔ %1 دربارهٔ %2 تصمیم می‌گیرد: %3.
%4</translation>
    </message>
</context>
<context>
    <name>Switchyard::RunSettings</name>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file (the last good version is in %2)</source>
        <translation>تنظیمات موجود در %1 قابل استفاده نیست؛ آن‌ها را اصلاح کنید یا با --config فایل دیگری را مشخص کنید (آخرین نسخهٔ سالم در %2 است)</translation>
    </message>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file</source>
        <translation>تنظیمات موجود در %1 قابل استفاده نیست؛ آن‌ها را اصلاح کنید یا با --config فایل دیگری را مشخص کنید</translation>
    </message>
    <message>
        <source>the password in %1 stays in the settings file: %2</source>
        <translation>گذرواژهٔ موجود در %1 در فایل تنظیمات می‌ماند: %2</translation>
    </message>
    <message>
        <source>The passwords from %1 are now in the system keychain, and no longer in the file.</source>
        <translation>گذرواژه‌های %1 اکنون در جاکلیدی سیستم‌اند و دیگر در فایل نیستند.</translation>
    </message>
    <message>
        <source>cannot save the settings without the passwords: %1</source>
        <translation>ذخیرهٔ تنظیمات بدون گذرواژه‌ها ممکن نیست: %1</translation>
    </message>
    <message>
        <source>inbound authentication is on but its password cannot be read; not accepting clients without it</source>
        <translation>احراز هویت ورودی روشن است اما گذرواژهٔ آن خوانده نمی‌شود؛ بدون آن هیچ کلاینتی پذیرفته نمی‌شود</translation>
    </message>
    <message>
        <source>traffic for exit &quot;%1&quot; is blocked in this run: its password cannot be read</source>
        <translation>ترافیک خروجی «%1» در این اجرا مسدود است: گذرواژهٔ آن خوانده نمی‌شود</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsController</name>
    <message>
        <source>Rule %1 (%2) cannot be saved: %3</source>
        <translation>قاعدهٔ %1 (%2) ذخیره نمی‌شود: %3</translation>
    </message>
    <message>
        <source>There is no exit with the id &quot;%1&quot;.</source>
        <translation>هیچ خروجی‌ای با شناسهٔ «%1» وجود ندارد.</translation>
    </message>
    <message>
        <source>The listen address is not an IP address.</source>
        <translation>نشانی گوش دادن یک نشانی IP نیست.</translation>
    </message>
    <message>
        <source>%1 cannot be imported; it has errors.</source>
        <translation>‏%1 درون‌ریزی نمی‌شود؛ خطا دارد.</translation>
    </message>
    <message>
        <source>Rule %1 of the import cannot be used: %2</source>
        <translation>قاعدهٔ %1 از فایل درون‌ریزی قابل استفاده نیست: %2</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>مستقیم</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>مسدود</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>خروجی ناموجود (مسدود)</translation>
    </message>
    <message>
        <source>Block (unmatched traffic)</source>
        <translation>مسدود کردن (ترافیک بدون قاعده)</translation>
    </message>
    <message>
        <source>%1 — failing</source>
        <translation>‏%1 — دچار خطا</translation>
    </message>
    <message>
        <source>%1 — no password yet</source>
        <translation>‏%1 — هنوز بدون گذرواژه</translation>
    </message>
    <message>
        <source>The settings could not be saved, so nothing was changed: %1</source>
        <translation>تنظیمات ذخیره نشد، پس چیزی تغییر نکرد: %1</translation>
    </message>
    <message>
        <source>Clients need a user name to log in with.</source>
        <translation>کلاینت‌ها برای ورود به یک نام کاربری نیاز دارند.</translation>
    </message>
    <message>
        <source>The user name is longer than 255 bytes.</source>
        <translation>نام کاربری بیش از ۲۵۵ بایت است.</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsPage</name>
    <message>
        <source>Proxy</source>
        <translation>پراکسی</translation>
    </message>
    <message>
        <source>Address and port for HTTP, SOCKS5 and SOCKS4a clients. Anything but loopback needs inbound authentication.</source>
        <translation>نشانی و پورت برای کلاینت‌های HTTP، SOCKS5 و SOCKS4a. هر نشانی‌ای جز loopback به احراز هویت ورودی نیاز دارد.</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>اعمال</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>گوش دادن روی:</translation>
    </message>
    <message>
        <source>Manual: HTTP, HTTPS and SOCKS point at Switchyard</source>
        <translation>دستی: HTTP، HTTPS و SOCKS به Switchyard اشاره می‌کنند</translation>
    </message>
    <message>
        <source>Automatic: the desktop reads Switchyard&apos;s PAC file</source>
        <translation>خودکار: میزکار فایل PAC ساخت Switchyard را می‌خواند</translation>
    </message>
    <message>
        <source>System proxy:</source>
        <translation>پراکسی سیستم:</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>برنامه</translation>
    </message>
    <message>
        <source>Closing the window keeps Switchyard running in the tray</source>
        <translation>با بستن پنجره، Switchyard در سینی سیستم در حال اجرا بماند</translation>
    </message>
    <message>
        <source>Start Switchyard when I log in</source>
        <translation>اجرای Switchyard هنگام ورود من به سیستم</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>زبان (پس از اجرای دوباره):</translation>
    </message>
    <message>
        <source>Rows kept in the traffic view:</source>
        <translation>تعداد ردیف‌های نگه‌داشته در نمای ترافیک:</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>پیکربندی</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>برون‌بری…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>درون‌ریزی…</translation>
    </message>
    <message>
        <source>Exits (without passwords), rules and options in one file</source>
        <translation>خروجی‌ها (بدون گذرواژه)، قاعده‌ها و گزینه‌ها در یک فایل</translation>
    </message>
    <message>
        <source>Switchyard configuration (*.json);;All files (*)</source>
        <translation>پیکربندی Switchyard (*.json);;همهٔ فایل‌ها (*)</translation>
    </message>
    <message>
        <source>Export configuration</source>
        <translation>برون‌بری پیکربندی</translation>
    </message>
    <message>
        <source>Import configuration</source>
        <translation>درون‌ریزی پیکربندی</translation>
    </message>
    <message>
        <source>Merge the exits and rules of %1 with yours, or replace yours?</source>
        <translation>خروجی‌ها و قاعده‌های %1 با موارد فعلی شما ادغام شوند یا جایگزین آن‌ها شوند؟</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>ادغام</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>جایگزینی</translation>
    </message>
    <message>
        <source>The language changes when Switchyard starts again.</source>
        <translation>زبان پس از اجرای دوبارهٔ Switchyard تغییر می‌کند.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>پیش‌فرض سیستم</translation>
    </message>
    <message>
        <source>Cannot listen on &quot;%1&quot;: %2</source>
        <translation>گوش دادن روی «%1» ممکن نیست: %2</translation>
    </message>
    <message>
        <source>Listening on %1 would open the proxy to other machines; that needs inbound authentication, which is off.</source>
        <translation>گوش دادن روی %1 پراکسی را به روی دستگاه‌های دیگر باز می‌کند؛ این کار به احراز هویت ورودی نیاز دارد که خاموش است.</translation>
    </message>
    <message>
        <source>Listening on %1 from now on.</source>
        <translation>از این پس روی %1 گوش داده می‌شود.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>برون‌بری ناموفق بود: %1</translation>
    </message>
    <message>
        <source>Exported to %1 (passwords are not included).</source>
        <translation>در %1 برون‌بری شد (بدون گذرواژه‌ها).</translation>
    </message>
    <message>
        <source>%1 cannot be imported:
%2</source>
        <translation>‏%1 درون‌ریزی نمی‌شود:
%2</translation>
    </message>
    <message>
        <source>Imported %1. Exits that need a password ask for it on the Exits page.</source>
        <translation>‏%1 درون‌ریزی شد. خروجی‌هایی که گذرواژه لازم دارند، آن را در صفحهٔ خروجی‌ها درخواست می‌کنند.</translation>
    </message>
    <message>
        <source>Client login</source>
        <translation>ورود کلاینت‌ها</translation>
    </message>
    <message>
        <source>Clients must log in (needed to listen beyond this computer)</source>
        <translation>کلاینت‌ها باید وارد شوند (برای گوش دادن فراتر از این رایانه لازم است)</translation>
    </message>
    <message>
        <source>kept in the system keychain</source>
        <translation>در جاکلیدی سیستم نگه داشته می‌شود</translation>
    </message>
    <message>
        <source>Save login</source>
        <translation>ذخیرهٔ اطلاعات ورود</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>نام کاربری:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>گذرواژه:</translation>
    </message>
    <message>
        <source>No keychain</source>
        <translation>جاکلیدی در دسترس نیست</translation>
    </message>
    <message>
        <source>%1

Keep the password in memory until Switchyard quits? It is not written anywhere.</source>
        <translation>‏%1

گذرواژه تا بسته شدن Switchyard در حافظه نگه داشته شود؟ در هیچ جا نوشته نمی‌شود.</translation>
    </message>
    <message>
        <source>Client login saved.</source>
        <translation>اطلاعات ورود کلاینت‌ها ذخیره شد.</translation>
    </message>
    <message>
        <source>Clients no longer log in.</source>
        <translation>کلاینت‌ها دیگر نیازی به ورود ندارند.</translation>
    </message>
    <message>
        <source>Client login saved; the password is in the system keychain.</source>
        <translation>اطلاعات ورود کلاینت‌ها ذخیره شد؛ گذرواژه در جاکلیدی سیستم است.</translation>
    </message>
    <message>
        <source>The password is kept in memory until Switchyard quits.</source>
        <translation>گذرواژه تا بسته شدن Switchyard در حافظه نگه داشته می‌شود.</translation>
    </message>
    <message>
        <source>The password was not stored: %1 Clients are refused until it is.</source>
        <translation>گذرواژه ذخیره نشد: %1 تا ذخیره نشود، کلاینت‌ها رد می‌شوند.</translation>
    </message>
    <message>
        <source>Anyone who can reach the port may use the proxy.</source>
        <translation>هر کسی که به این پورت دسترسی داشته باشد می‌تواند از پراکسی استفاده کند.</translation>
    </message>
    <message>
        <source>No usable password yet: every client is refused.</source>
        <translation>هنوز گذرواژهٔ قابل استفاده‌ای وجود ندارد: همهٔ کلاینت‌ها رد می‌شوند.</translation>
    </message>
    <message>
        <source>Clients log in with this user name and the stored password.</source>
        <translation>کلاینت‌ها با این نام کاربری و گذرواژهٔ ذخیره‌شده وارد می‌شوند.</translation>
    </message>
</context>
<context>
    <name>Switchyard::SingleInstanceGuard</name>
    <message>
        <source>cannot take the lock %1 that guards against a second Switchyard</source>
        <translation>گرفتن قفل %1، که از اجرای Switchyard دوم جلوگیری می‌کند، ممکن نیست</translation>
    </message>
    <message>
        <source>another Switchyard is running with the same settings file but did not answer; if it hangs, end it and start again</source>
        <translation>‏Switchyard دیگری با همین فایل تنظیمات در حال اجراست اما پاسخ نداد؛ اگر گیر کرده است، آن را ببندید و دوباره اجرا کنید</translation>
    </message>
    <message>
        <source>another program answered on %1; it is not a Switchyard of this version</source>
        <translation>برنامهٔ دیگری روی %1 پاسخ داد؛ این برنامه Switchyard با همین نسخه نیست</translation>
    </message>
    <message>
        <source>cannot listen on %1 for a second Switchyard: %2</source>
        <translation>گوش دادن روی %1 برای Switchyard دوم ممکن نیست: %2</translation>
    </message>
    <message>
        <source>cannot use the single-instance socket %1: %2</source>
        <translation>استفاده از سوکت تک‌نمونه‌ای %1 ممکن نیست: %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::SystemProxyController</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>ساختن پوشهٔ %1 ممکن نیست</translation>
    </message>
    <message>
        <source>another Switchyard (process %1) has the system proxy on; turn it off there first</source>
        <translation>‏Switchyard دیگری (فرایند %1) پراکسی سیستم را روشن کرده است؛ نخست آن را همان‌جا خاموش کنید</translation>
    </message>
    <message>
        <source>cannot lock %1</source>
        <translation>قفل کردن %1 ممکن نیست</translation>
    </message>
    <message>
        <source>System proxy not changed: %1</source>
        <translation>پراکسی سیستم تغییر نکرد: %1</translation>
    </message>
    <message>
        <source>Could not point the %1 proxy settings at %2: %3</source>
        <translation>هدایت تنظیمات پراکسی %1 به %2 ممکن نشد: %3</translation>
    </message>
    <message>
        <source>Restoring the settings from before failed too: %1. They are saved in %2; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>بازگرداندن تنظیمات قبلی هم ناموفق بود: %1. این تنظیمات در %2 ذخیره شده‌اند؛ فرمان «switchyard --restore-system-proxy» دوباره تلاش می‌کند.</translation>
    </message>
    <message>
        <source>The %1 proxy settings point at Switchyard (%2).</source>
        <translation>تنظیمات پراکسی %1 به Switchyard (%2) اشاره می‌کنند.</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>بازگرداندن تنظیمات پراکسی %1 ممکن نشد: %2. این تنظیمات در %3 ذخیره شده‌اند؛ فرمان «switchyard --restore-system-proxy» دوباره تلاش می‌کند.</translation>
    </message>
    <message>
        <source>The %1 proxy settings are back as they were.</source>
        <translation>تنظیمات پراکسی %1 به حالت قبل برگشت.</translation>
    </message>
    <message>
        <source>There are no system proxy settings to restore.</source>
        <translation>هیچ تنظیمات پراکسی سیستمی برای بازگرداندن وجود ندارد.</translation>
    </message>
    <message>
        <source>System proxy settings not restored: %1</source>
        <translation>تنظیمات پراکسی سیستم بازگردانده نشد: %1</translation>
    </message>
    <message>
        <source>The %1 proxy settings were changed since Switchyard pointed them at %2, so they were left as they are; the settings saved before that were dropped.</source>
        <translation>تنظیمات پراکسی %1 پس از آن‌که Switchyard آن‌ها را به %2 هدایت کرد تغییر کرده‌اند، پس دست‌نخورده ماندند؛ تنظیماتی که پیش از آن ذخیره شده بود کنار گذاشته شد.</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3.</source>
        <translation>بازگرداندن تنظیمات پراکسی %1 ممکن نشد: %2. این تنظیمات در %3 ذخیره شده‌اند.</translation>
    </message>
    <message>
        <source>Switchyard (process %1) stopped while the system proxy pointed at it; the %2 proxy settings from before are restored.</source>
        <translation>‏Switchyard (فرایند %1) در حالی متوقف شد که پراکسی سیستم به آن اشاره می‌کرد؛ تنظیمات قبلی پراکسی %2 بازگردانده شد.</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficBodyView</name>
    <message>
        <source>No body</source>
        <translation>بدون بدنه</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficContextMenu</name>
    <message>
        <source>Copy URL</source>
        <translation>کپی URL</translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation>کپی به‌صورت فرمان curl</translation>
    </message>
    <message>
        <source>Copy response body</source>
        <translation>کپی بدنهٔ پاسخ</translation>
    </message>
    <message>
        <source>Route %1</source>
        <translation>تعیین مسیر %1</translation>
    </message>
    <message>
        <source>Route all of %1</source>
        <translation>تعیین مسیر کل دامنهٔ %1</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>مستقیم</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>از راه %1</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>مسدود کردن</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficDetailsPane</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>‏%1 ثانیه</translation>
    </message>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation>‏%1 (%2 بایت)</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>نمای کلی</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>درخواست</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>پاسخ</translation>
    </message>
    <message>
        <source>Show secrets</source>
        <translation>نمایش مقادیر محرمانه</translation>
    </message>
    <message>
        <source>Show the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie</source>
        <translation>نمایش مقدارهای Authorization، Proxy-Authorization، Cookie و Set-Cookie</translation>
    </message>
    <message>
        <source>Select an entry to see its details. Enter opens the selected one.</source>
        <translation>برای دیدن جزئیات، یک مورد را انتخاب کنید. Enter مورد انتخاب‌شده را باز می‌کند.</translation>
    </message>
    <message>
        <source>Hide secrets</source>
        <translation>پنهان کردن مقادیر محرمانه</translation>
    </message>
    <message>
        <source>No response yet.</source>
        <translation>هنوز پاسخی نیامده است.</translation>
    </message>
    <message>
        <source>No headers captured (capture may be off).</source>
        <translation>هیچ سرآیندی ثبت نشد (شاید ثبت خاموش باشد).</translation>
    </message>
    <message>
        <source>Click to show this value</source>
        <translation>برای نمایش این مقدار کلیک کنید</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>مقصد</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>متد</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>پروتکل</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>وضعیت</translation>
    </message>
    <message>
        <source>SOCKS reply</source>
        <translation>پاسخ SOCKS</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>مستقیم</translation>
    </message>
    <message>
        <source>Through the exit %1</source>
        <translation>از راه خروجی %1</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>مسدود</translation>
    </message>
    <message>
        <source>Answered by Switchyard</source>
        <translation>پاسخ از خود Switchyard</translation>
    </message>
    <message>
        <source>Refused (connection limit)</source>
        <translation>رد شد (محدودیت اتصال)</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>نامشخص</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>مسیر</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>قاعده</translation>
    </message>
    <message>
        <source>none matched: the default action</source>
        <translation>هیچ‌کدام تطبیق نکرد: اقدام پیش‌فرض</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>کلاینت</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>آغاز</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>مدت</translation>
    </message>
    <message>
        <source>still running</source>
        <translation>هنوز در جریان</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>زمان اتصال</translation>
    </message>
    <message>
        <source>First byte</source>
        <translation>زمان نخستین بایت</translation>
    </message>
    <message>
        <source>Relayed up</source>
        <translation>بازارسال به مقصد</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>ارسالی</translation>
    </message>
    <message>
        <source>Relayed down</source>
        <translation>بازارسال به کلاینت</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>دریافتی</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>خطا</translation>
    </message>
    <message>
        <source>A tunnel&apos;s payload is not inspected: its target, route, sizes and duration are what is known.</source>
        <translation>محتوای تونل بررسی نمی‌شود: فقط مقصد، مسیر، اندازه‌ها و مدت آن معلوم است.</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficFilterBar</name>
    <message>
        <source>Filter by host, URL or method (Ctrl+F)</source>
        <translation>فیلتر بر اساس میزبان، URL یا متد (Ctrl+F)</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>خطاها</translation>
    </message>
    <message>
        <source>Only failed exchanges: errors, 4xx and 5xx answers, SOCKS failures</source>
        <translation>فقط تبادل‌های ناموفق: خطاها، پاسخ‌های 4xx و 5xx، و شکست‌های SOCKS</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>مسدود</translation>
    </message>
    <message>
        <source>Only exchanges a rule blocked</source>
        <translation>فقط تبادل‌هایی که قاعده‌ای مسدودشان کرد</translation>
    </message>
    <message>
        <source>Only exchanges that took this route</source>
        <translation>فقط تبادل‌هایی که از این مسیر رفتند</translation>
    </message>
    <message>
        <source>Only exchanges of this protocol</source>
        <translation>فقط تبادل‌های این پروتکل</translation>
    </message>
    <message>
        <source>Any protocol</source>
        <translation>هر پروتکلی</translation>
    </message>
    <message>
        <source>Only answers of this status class</source>
        <translation>فقط پاسخ‌های این ردهٔ وضعیت</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>هر وضعیتی</translation>
    </message>
    <message>
        <source>1xx</source>
        <translation>1xx</translation>
    </message>
    <message>
        <source>2xx success</source>
        <translation>‏2xx موفق</translation>
    </message>
    <message>
        <source>3xx redirection</source>
        <translation>‏3xx تغییر مسیر</translation>
    </message>
    <message>
        <source>4xx client error</source>
        <translation>‏4xx خطای کلاینت</translation>
    </message>
    <message>
        <source>5xx server error</source>
        <translation>‏5xx خطای سرور</translation>
    </message>
    <message>
        <source>No status</source>
        <translation>بدون وضعیت</translation>
    </message>
    <message>
        <source>Any route</source>
        <translation>هر مسیری</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>مستقیم</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>محلی</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>از راه %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>‏%1 ثانیه</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>موفق</translation>
    </message>
    <message>
        <source>error</source>
        <translation>خطا</translation>
    </message>
    <message>
        <source>direct</source>
        <translation>مستقیم</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>مسدود</translation>
    </message>
    <message>
        <source>local</source>
        <translation>محلی</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>ردشده</translation>
    </message>
    <message>
        <source>default</source>
        <translation>پیش‌فرض</translation>
    </message>
    <message>
        <source>Route %1, by the default action</source>
        <translation>مسیر %1، طبق اقدام پیش‌فرض</translation>
    </message>
    <message>
        <source>Route %1, by the rule %2</source>
        <translation>مسیر %1، طبق قاعدهٔ %2</translation>
    </message>
    <message>
        <source>%1 bytes sent</source>
        <translation>‏%1 بایت ارسال شد</translation>
    </message>
    <message>
        <source>%1 bytes received</source>
        <translation>‏%1 بایت دریافت شد</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>زمان</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>کلاینت</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>پروتکل</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>متد</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>میزبان</translation>
    </message>
    <message>
        <source>Path or target</source>
        <translation>مسیر URL یا مقصد</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>وضعیت</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>مسیر</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>قاعده</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>ارسالی</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>دریافتی</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>مدت</translation>
    </message>
    <message>
        <source>Exchange number</source>
        <translation>شمارهٔ تبادل</translation>
    </message>
    <message>
        <source>The client&apos;s address and port</source>
        <translation>نشانی و پورت کلاینت</translation>
    </message>
    <message>
        <source>Path and query of a request, or host:port of a tunnel</source>
        <translation>مسیر و پرس‌وجوی URL درخواست، یا host:port تونل</translation>
    </message>
    <message>
        <source>The rule that chose the route (&quot;default&quot;: no rule matched)</source>
        <translation>قاعده‌ای که مسیر را انتخاب کرد («پیش‌فرض»: هیچ قاعده‌ای تطبیق نکرد)</translation>
    </message>
    <message>
        <source>Body bytes sent by the client (everything relayed, for tunnels)</source>
        <translation>بایت‌های بدنه که کلاینت فرستاد (برای تونل‌ها، همهٔ داده‌های بازارسال‌شده)</translation>
    </message>
    <message>
        <source>Body bytes received by the client (everything relayed, for tunnels)</source>
        <translation>بایت‌های بدنه که کلاینت دریافت کرد (برای تونل‌ها، همهٔ داده‌های بازارسال‌شده)</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficPage</name>
    <message>
        <source>Clear</source>
        <translation>پاک کردن</translation>
    </message>
    <message>
        <source>Remove every entry (Ctrl+L)</source>
        <translation>حذف همهٔ موارد (Ctrl+L)</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>فیلتر</translation>
    </message>
    <message>
        <source>Export visible entries as HAR…</source>
        <translation>برون‌بری موارد نمایان به‌صورت HAR…</translation>
    </message>
    <message>
        <source>Export selected entries as HAR…</source>
        <translation>برون‌بری موارد انتخاب‌شده به‌صورت HAR…</translation>
    </message>
    <message>
        <source>Mask secrets in exported files</source>
        <translation>پوشاندن مقادیر محرمانه در فایل‌های برون‌بری‌شده</translation>
    </message>
    <message>
        <source>Replace Authorization, Proxy-Authorization, Cookie and Set-Cookie values</source>
        <translation>جایگزینی مقدارهای Authorization، Proxy-Authorization، Cookie و Set-Cookie</translation>
    </message>
    <message>
        <source>Import HAR…</source>
        <translation>درون‌ریزی HAR…</translation>
    </message>
    <message>
        <source>Add the entries of a HAR file to the table, for reading</source>
        <translation>افزودن موارد یک فایل HAR به جدول، برای مطالعه</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>برون‌بری</translation>
    </message>
    <message>
        <source>Save entries as HAR 1.2, for browsers&apos; developer tools</source>
        <translation>ذخیرهٔ موارد به‌صورت HAR 1.2، برای ابزارهای توسعه‌دهندهٔ مرورگرها</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>ادامه</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>مکث</translation>
    </message>
    <message>
        <source>Show new requests again</source>
        <translation>نمایش دوبارهٔ درخواست‌های جدید</translation>
    </message>
    <message>
        <source>Stop adding new requests to the table; those shown still complete</source>
        <translation>توقف افزودن درخواست‌های جدید به جدول؛ درخواست‌های نمایش‌داده‌شده همچنان کامل می‌شوند</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>در مکث</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln entries from %1; capture paused</source>
        <translation>
            <numerusform>%Ln مورد از %1 درون‌ریزی شد؛ ثبت متوقف شد</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries skipped</source>
        <translation>
            <numerusform>از %Ln مورد صرف‌نظر شد</numerusform>
        </translation>
    </message>
    <message>
        <source>Export HAR</source>
        <translation>برون‌بری HAR</translation>
    </message>
    <message>
        <source>There are no entries in view to export.</source>
        <translation>هیچ موردی در نما برای برون‌بری نیست.</translation>
    </message>
    <message>
        <source>Select the entries to export first.</source>
        <translation>نخست مواردی را که می‌خواهید برون‌بری شوند انتخاب کنید.</translation>
    </message>
    <message>
        <source>HAR files (*.har);;All files (*)</source>
        <translation>فایل‌های HAR (*.har);;همهٔ فایل‌ها (*)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln entries to %1</source>
        <translation>
            <numerusform>%Ln مورد در %1 برون‌بری شد</numerusform>
        </translation>
    </message>
    <message>
        <source>Import HAR</source>
        <translation>درون‌ریزی HAR</translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln مورد</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %Ln entries</source>
        <translation>
            <numerusform>‏%1 از %Ln مورد</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficView</name>
    <message>
        <source>Status</source>
        <translation>وضعیت</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrayIcon</name>
    <message>
        <source>Exit</source>
        <translation>خروجی</translation>
    </message>
    <message numerus="yes">
        <source>↑ %1  ↓ %2  ·  %Ln connection(s)</source>
        <translation>
            <numerusform>‏↑ %1  ↓ %2  ·  %Ln اتصال</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SystemProxyBackendFactory</name>
    <message>
        <source>unknown system proxy backend &apos;%1&apos;</source>
        <translation>بک‌اند ناشناختهٔ پراکسی سیستم: «%1»</translation>
    </message>
    <message>
        <source>cannot change the %1 proxy settings: %2</source>
        <translation>تغییر تنظیمات پراکسی %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>an unknown desktop</source>
        <translation>یک میزکار ناشناخته</translation>
    </message>
    <message>
        <source>no way to change the system proxy on %1: GNOME settings: %2; KDE settings: %3</source>
        <translation>راهی برای تغییر پراکسی سیستم روی %1 وجود ندارد: تنظیمات GNOME: %2؛ تنظیمات KDE: %3</translation>
    </message>
    <message>
        <source>not this desktop</source>
        <translation>این میزکار نیست</translation>
    </message>
</context>
<context>
    <name>SystemProxyJournal</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>ساختن پوشهٔ %1 ممکن نیست</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>خواندن %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a Switchyard system proxy journal</source>
        <translation>‏%1 برای دفترچهٔ پراکسی سیستم Switchyard بیش از حد بزرگ است</translation>
    </message>
    <message>
        <source>%1 is damaged: %2</source>
        <translation>‏%1 آسیب دیده است: %2</translation>
    </message>
    <message>
        <source>%1 was written by another version of Switchyard</source>
        <translation>‏%1 را نسخهٔ دیگری از Switchyard نوشته است</translation>
    </message>
    <message>
        <source>%1 is damaged: a part is missing</source>
        <translation>‏%1 آسیب دیده است: بخشی از آن وجود ندارد</translation>
    </message>
    <message>
        <source>cannot delete %1: %2</source>
        <translation>حذف %1 ممکن نیست: %2</translation>
    </message>
</context>
<context>
    <name>SystemProxyTarget</name>
    <message>
        <source>no proxy address</source>
        <translation>نشانی پراکسی وجود ندارد</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address</source>
        <translation>‏«%1» نشانی IP نیست</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an address a client can connect to</source>
        <translation>‏«%1» نشانی‌ای نیست که کلاینت بتواند به آن وصل شود</translation>
    </message>
    <message>
        <source>no proxy port</source>
        <translation>پورت پراکسی وجود ندارد</translation>
    </message>
</context>
<context>
    <name>SystemProxyTool</name>
    <message>
        <source>cannot run %1: %2</source>
        <translation>اجرای %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 seconds</source>
        <translation>‏%1 ظرف %2 ثانیه پاسخ نداد</translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation>‏%1 از کار افتاد</translation>
    </message>
    <message>
        <source>%1 failed with exit code %2</source>
        <translation>‏%1 با کد خروج %2 ناموفق بود</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>‏%1 ناموفق بود: %2</translation>
    </message>
</context>
<context>
    <name>WindowsProxyBackend</name>
    <message>
        <source>Windows (Internet Options)</source>
        <translation>ویندوز (Internet Options)</translation>
    </message>
    <message>
        <source>the Windows proxy settings exist only on Windows</source>
        <translation>تنظیمات پراکسی ویندوز فقط روی ویندوز وجود دارد</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy settings: %1</source>
        <translation>خواندن تنظیمات پراکسی ویندوز ممکن نیست: %1</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy setting %1: %2</source>
        <translation>خواندن تنظیم پراکسی ویندوز با نام %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 has an unexpected type (%2)</source>
        <translation>تنظیم پراکسی ویندوز با نام %1 نوع غیرمنتظره‌ای دارد (%2)</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy settings: %1</source>
        <translation>تغییر تنظیمات پراکسی ویندوز ممکن نیست: %1</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy setting %1: %2</source>
        <translation>تغییر تنظیم پراکسی ویندوز با نام %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 did not change</source>
        <translation>تنظیم پراکسی ویندوز با نام %1 تغییر نکرد</translation>
    </message>
</context>
<context>
    <name>WindowsProxySettings</name>
    <message>
        <source>the saved Windows proxy settings are damaged (%1)</source>
        <translation>تنظیمات ذخیره‌شدهٔ پراکسی ویندوز آسیب دیده است (%1)</translation>
    </message>
    <message>
        <source>the saved Windows proxy settings are damaged (%1 is missing)</source>
        <translation>تنظیمات ذخیره‌شدهٔ پراکسی ویندوز آسیب دیده است (%1 وجود ندارد)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>try &apos;switchyard --help&apos; for the list of options</source>
        <translation>برای دیدن فهرست گزینه‌ها «switchyard --help» را امتحان کنید</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>گوش دادن روی %1 ممکن نیست: %2</translation>
    </message>
    <message>
        <source>no display (DISPLAY and WAYLAND_DISPLAY are unset); use --headless to run without a window</source>
        <translation>هیچ نمایشگری در دسترس نیست (DISPLAY و WAYLAND_DISPLAY تنظیم نشده‌اند)؛ برای اجرا بدون پنجره از --headless استفاده کنید</translation>
    </message>
    <message>
        <source>Switchyard is already running; its window was brought up.</source>
        <translation>Switchyard از قبل در حال اجراست؛ پنجرهٔ آن به جلو آورده شد.</translation>
    </message>
</context>
</TS>
