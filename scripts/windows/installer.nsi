; Installer for Ключник: per user (no administrator rights), into
; %LOCALAPPDATA%\Programs\Klyuchnik, with Start menu and desktop shortcuts and an entry in
; «Программы и компоненты». Settings (%APPDATA%\Klyuchnik) and secrets (Credential Manager)
; are left alone by both install and uninstall, so an update keeps every connection.
; Silent: setup.exe /S [/D=C:\path]; uninstall.exe /S.
; Built by scripts/windows/package.sh: makensis -INPUTCHARSET UTF8 -DVERSION=… -DEXE=…
; -DREADME=… -DICON=… -DOUTFILE=… installer.nsi

; A 64-bit installer for the 64-bit app (and Wine64 in CI runs it without 32-bit Wine).
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Klyuchnik"
; Must match notify::APP_ID.
!define AUMID_KEY "Software\Classes\AppUserModelId\Klyuchnik.Klyuchnik"

Name "Ключник"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Klyuchnik"
InstallDirRegKey HKCU "Software\Klyuchnik" "InstallDir"
BrandingText "Ключник ${VERSION}"

VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey /LANG=1049 "ProductName" "Ключник"
VIAddVersionKey /LANG=1049 "FileDescription" "Установка Ключника"
VIAddVersionKey /LANG=1049 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1049 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1049 "LegalCopyright" "Лицензия MIT"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\klyuchnik.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Запустить Ключник"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Russian"

Section "Ключник"
  SetOutPath "$INSTDIR"
  File "/oname=klyuchnik.exe" "${EXE}"
  File "/oname=README.txt" "${README}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\Ключник.lnk" "$INSTDIR\klyuchnik.exe"
  CreateShortcut "$DESKTOP\Ключник.lnk" "$INSTDIR\klyuchnik.exe"

  WriteRegStr HKCU "Software\Klyuchnik" "InstallDir" "$INSTDIR"
  ; The name reminder toasts are shown under (klyuchnik.exe writes it too, for the portable copy).
  WriteRegStr HKCU "${AUMID_KEY}" "DisplayName" "Ключник"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Ключник"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\klyuchnik.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Ключник"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ; A hand-over file («Передать сотруднику ПВЗ») opens in Ключник with a double-click:
  ; `klyuchnik.exe open ФАЙЛ` loads it and goes on with the setup. Per user, like the rest.
  WriteRegStr HKCU "Software\Classes\.klyuchnik" "" "Klyuchnik.Handover"
  WriteRegStr HKCU "Software\Classes\Klyuchnik.Handover" "" "Настройка для Ключника"
  WriteRegStr HKCU "Software\Classes\Klyuchnik.Handover\DefaultIcon" "" '"$INSTDIR\klyuchnik.exe",0'
  WriteRegStr HKCU "Software\Classes\Klyuchnik.Handover\shell\open\command" "" '"$INSTDIR\klyuchnik.exe" open "%1"'
  ; Explorer reads file associations at start-up unless told they changed.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  ; Scheduled reminders run klyuchnik.exe: remove them while it is still there.
  ExecWait '"$INSTDIR\klyuchnik.exe" reminders off'
  DeleteRegKey HKCU "${AUMID_KEY}"
  DeleteRegKey HKCU "Software\Classes\.klyuchnik"
  DeleteRegKey HKCU "Software\Classes\Klyuchnik.Handover"
  Delete "$INSTDIR\klyuchnik.exe"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Ключник.lnk"
  Delete "$DESKTOP\Ключник.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\Klyuchnik"
SectionEnd
