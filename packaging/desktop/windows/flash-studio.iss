; Inno Setup 6 script: the Windows installer of Flash Africa Studio.
;
; build_windows.sh runs it after the PyInstaller build and passes, from app_identity.py:
;   iscc /DAppVersion=<version> /DFileVersion=<a.b.c.d> /DBundleDir=...\dist\desktop\flash-studio
;        /DOutputDir=...\dist\desktop /DIconFile=...\resources\icons\app\flash-africa-studio.ico
;        packaging\desktop\windows\flash-studio.iss
;
; It installs per user by default (no administrator needed; the dialog offers all users),
; adds a Start-menu folder with the studio and its uninstaller, registers the
; flashafrica:// links, and an entry in Settings > Apps that uninstalls it. Uninstalling
; keeps the creator's data (%LOCALAPPDATA%\FlashAfrica): a reinstall finds it again.

#ifndef AppVersion
  #error Pass /DAppVersion=<version> (build_windows.sh reads it from pyproject.toml)
#endif
#ifndef FileVersion
  #error Pass /DFileVersion=<a.b.c.d>
#endif
#ifndef BundleDir
  #error Pass /DBundleDir=<the PyInstaller output folder>
#endif
#ifndef OutputDir
  #error Pass /DOutputDir=<where the installer goes>
#endif
#ifndef IconFile
  #error Pass /DIconFile=<resources\icons\app\flash-africa-studio.ico>
#endif

#define AppName "Flash Africa Studio"
#define AppExe "flash-studio.exe"
#define Publisher "Flash Africa"
#define UrlScheme "flashafrica"

[Setup]
; Fixed forever (INNO_APP_ID in app_identity.py): upgrades replace the installed version.
AppId={{6F3B2C1E-8A4D-4F7B-9C2E-5D1A0B7E3F90}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#FileVersion}
VersionInfoProductName={#AppName}
VersionInfoCompany={#Publisher}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=FlashAfricaStudio-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The studio and the server it started are closed before files are replaced or removed.
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; flashafrica:// links open the studio (HKA: the current user's or the machine's classes,
; matching the install mode chosen in the dialog).
Root: HKA; Subkey: "Software\Classes\{#UrlScheme}"; ValueType: string; ValueName: ""; ValueData: "URL:{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#UrlScheme}"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\{#UrlScheme}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#UrlScheme}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
