//! Reading the platform's policy source: the only I/O of this crate. Everything read goes to
//! [`Policy::from_values`], which checks it.

use std::io::ErrorKind;
use std::path::Path;

use crate::{parse, Loaded, Policy, Source};

/// Reads a policy file. Missing: no policy. Present but unreadable or not TOML: everything locked (see
/// [`Policy::unreadable`]), since IT meant to set something and we cannot tell what.
pub(crate) fn read_file(path: &Path) -> Loaded {
    let source = Source::File(path.to_path_buf());
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Loaded { policy: Policy::default(), warnings: vec![] },
        Err(e) => return Policy::unreadable(source, name, format!("the file cannot be read ({e})")),
    };
    match parse::toml_values(&text) {
        Ok(values) => Policy::from_values(source, values),
        Err(why) => Policy::unreadable(source, name, format!("the file is not valid TOML ({})", why.trim())),
    }
}

#[cfg(not(windows))]
pub(crate) fn read_platform() -> Loaded {
    read_file(Path::new(crate::POLICY_FILE))
}

/// Reads `HKLM\Software\Policies\Palabre`. The app is 64-bit and so is the MSI's component, so both see the
/// same (64-bit) view of the registry without any redirection flag.
#[cfg(windows)]
pub(crate) fn read_platform() -> Loaded {
    use parse::RawValue;
    use winreg::enums::RegType;
    use winreg::types::FromRegValue;

    let name = format!(r"HKLM\{}", crate::POLICY_KEY);
    let key = match winreg::HKLM.open_subkey(crate::POLICY_KEY) {
        Ok(key) => key,
        Err(e) if e.kind() == ErrorKind::NotFound => return Loaded { policy: Policy::default(), warnings: vec![] },
        Err(e) => return Policy::unreadable(Source::Registry, name, format!("the key cannot be read ({e})")),
    };
    let mut values = Vec::new();
    for entry in key.enum_values() {
        let (value_name, value) = match entry {
            Ok(entry) => entry,
            Err(e) => return Policy::unreadable(Source::Registry, name, format!("a value cannot be read ({e})")),
        };
        let raw = match value.vtype {
            RegType::REG_SZ | RegType::REG_EXPAND_SZ => String::from_reg_value(&value).map(RawValue::Text),
            RegType::REG_DWORD => u32::from_reg_value(&value).map(|n| RawValue::Number(n.into())),
            RegType::REG_MULTI_SZ => Vec::<String>::from_reg_value(&value).map(RawValue::List),
            other => Ok(RawValue::Unsupported(format!("a registry value of type {other:?}"))),
        };
        let raw = raw.unwrap_or_else(|e| RawValue::Unsupported(format!("a damaged registry value ({e})")));
        values.push((value_name, raw));
    }
    Policy::from_values(Source::Registry, values)
}
