-- Customers and the funnel: accounts, leads, deals and each deal's stage history.

CREATE TABLE salesops.accounts (
    org_id         bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    external_id    text NOT NULL,
    name           text NOT NULL,
    owner_rep_id   bigint,
    region         text,
    source         text,
    referred_by_id bigint,
    churned_at     timestamptz,
    PRIMARY KEY (org_id, id),
    CONSTRAINT accounts_external_id_key UNIQUE (org_id, external_id),
    CONSTRAINT accounts_owner_rep_fkey FOREIGN KEY (org_id, owner_rep_id) REFERENCES salesops.reps (org_id, id),
    CONSTRAINT accounts_referred_by_fkey FOREIGN KEY (org_id, referred_by_id) REFERENCES salesops.accounts (org_id, id),
    CONSTRAINT accounts_not_own_referrer CHECK (referred_by_id IS DISTINCT FROM id),
    CONSTRAINT accounts_external_id_present CHECK (btrim(external_id) <> ''),
    CONSTRAINT accounts_name_present CHECK (btrim(name) <> '')
);
CREATE INDEX accounts_owner_rep_idx ON salesops.accounts (org_id, owner_rep_id);

CREATE TABLE salesops.leads (
    org_id            bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id                bigint GENERATED ALWAYS AS IDENTITY,
    external_id       text NOT NULL,
    name              text,
    email             text,
    source            text,
    owner_rep_id      bigint,
    created_at        timestamptz NOT NULL,
    mql_at            timestamptz,
    sql_at            timestamptz,
    first_response_at timestamptz,
    converted_at      timestamptz,
    account_id        bigint,
    disqualified_at   timestamptz,
    PRIMARY KEY (org_id, id),
    CONSTRAINT leads_external_id_key UNIQUE (org_id, external_id),
    CONSTRAINT leads_owner_rep_fkey FOREIGN KEY (org_id, owner_rep_id) REFERENCES salesops.reps (org_id, id),
    CONSTRAINT leads_account_fkey FOREIGN KEY (org_id, account_id) REFERENCES salesops.accounts (org_id, id),
    CONSTRAINT leads_mql_after_created CHECK (mql_at >= created_at),
    CONSTRAINT leads_sql_after_created CHECK (sql_at >= created_at),
    CONSTRAINT leads_first_response_after_created CHECK (first_response_at >= created_at),
    CONSTRAINT leads_converted_after_created CHECK (converted_at >= created_at),
    CONSTRAINT leads_disqualified_after_created CHECK (disqualified_at >= created_at),
    CONSTRAINT leads_external_id_present CHECK (btrim(external_id) <> '')
);
CREATE INDEX leads_created_idx ON salesops.leads (org_id, created_at);

CREATE TABLE salesops.deals (
    org_id          bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    external_id     text NOT NULL,
    name            text,
    account_id      bigint NOT NULL,
    owner_rep_id    bigint NOT NULL,
    pipeline_id     bigint NOT NULL,
    stage_id        bigint NOT NULL,
    -- The kind of stage_id, kept in step by the foreign key below (ON UPDATE CASCADE), so
    -- the closed_at rule is a plain CHECK.
    stage_kind      text NOT NULL,
    amount          numeric(18, 2) NOT NULL,
    type            text NOT NULL DEFAULT 'new',
    product         text,
    contract_months integer NOT NULL DEFAULT 12,
    created_at      timestamptz NOT NULL,
    closed_at       timestamptz,
    PRIMARY KEY (org_id, id),
    CONSTRAINT deals_external_id_key UNIQUE (org_id, external_id),
    CONSTRAINT deals_pipeline_id_key UNIQUE (org_id, id, pipeline_id),
    CONSTRAINT deals_account_fkey FOREIGN KEY (org_id, account_id) REFERENCES salesops.accounts (org_id, id),
    CONSTRAINT deals_owner_rep_fkey FOREIGN KEY (org_id, owner_rep_id) REFERENCES salesops.reps (org_id, id),
    CONSTRAINT deals_stage_fkey FOREIGN KEY (org_id, pipeline_id, stage_id, stage_kind)
        REFERENCES salesops.stages (org_id, pipeline_id, id, kind) ON UPDATE CASCADE,
    CONSTRAINT deals_closed_iff_final_stage CHECK ((stage_kind IN ('won', 'lost')) = (closed_at IS NOT NULL)),
    CONSTRAINT deals_closed_after_created CHECK (closed_at >= created_at),
    CONSTRAINT deals_amount_non_negative CHECK (amount >= 0),
    CONSTRAINT deals_type_valid CHECK (type IN ('new', 'upsell', 'cross_sell', 'renewal')),
    CONSTRAINT deals_contract_months_positive CHECK (contract_months > 0),
    CONSTRAINT deals_external_id_present CHECK (btrim(external_id) <> '')
);
CREATE INDEX deals_owner_rep_idx ON salesops.deals (org_id, owner_rep_id);
CREATE INDEX deals_account_idx ON salesops.deals (org_id, account_id);

CREATE TABLE salesops.deal_stage_changes (
    org_id        bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    deal_id       bigint NOT NULL,
    pipeline_id   bigint NOT NULL,
    from_stage_id bigint,
    to_stage_id   bigint NOT NULL,
    changed_at    timestamptz NOT NULL,
    PRIMARY KEY (org_id, id),
    CONSTRAINT deal_stage_changes_key UNIQUE (org_id, deal_id, to_stage_id, changed_at),
    CONSTRAINT deal_stage_changes_deal_fkey FOREIGN KEY (org_id, deal_id, pipeline_id)
        REFERENCES salesops.deals (org_id, id, pipeline_id) ON DELETE CASCADE,
    CONSTRAINT deal_stage_changes_from_stage_fkey FOREIGN KEY (org_id, pipeline_id, from_stage_id)
        REFERENCES salesops.stages (org_id, pipeline_id, id),
    CONSTRAINT deal_stage_changes_to_stage_fkey FOREIGN KEY (org_id, pipeline_id, to_stage_id)
        REFERENCES salesops.stages (org_id, pipeline_id, id)
);
