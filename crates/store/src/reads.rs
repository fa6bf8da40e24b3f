//! Reads the web layer needs that the typed entity modules do not offer.

use crate::Store;
use crate::auth::Role;
use crate::error::StoreError;
use crate::people::Site;
use crate::schema::SITE;
use crate::value::Ty;
use crate::writer;

/// A role a user holds at a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub site: Site,
    pub role: Role,
}

impl Store {
    /// The live role grants of a user at live sites, by site then role.
    pub async fn grants_of(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT site_id, role FROM role_grant WHERE user_id = $1 AND NOT removed ORDER BY site_id, role",
                &[user_id.into()],
                &[Ty::Int, Ty::Text],
            )
            .await?;
        let sites = writer::load_all(&mut tx, &SITE).await?;
        let mut grants = Vec::new();
        for row in rows {
            let mut values = row.into_iter();
            let site_id = values.next().flatten().and_then(|v| v.as_int());
            let role = values.next().flatten();
            let role = role.as_ref().and_then(|v| v.as_text()).unwrap_or_default();
            let Some((id, site)) = site_id.and_then(|id| sites.get(&id).map(|site| (id, site)))
            else {
                return Err(StoreError::corrupt("a role grant names no site"));
            };
            if site.removed {
                continue;
            }
            grants.push(Grant {
                site: Site {
                    id,
                    version: site.version,
                    code: site.text("code").unwrap_or_default().to_owned(),
                    name: site.text("name").unwrap_or_default().to_owned(),
                },
                role: Role::parse(role).map_err(|_| {
                    StoreError::corrupt(format!("unknown role '{role}' in a grant"))
                })?,
            });
        }
        Ok(grants)
    }
}
