-- What reps do and what customers say: activities, survey responses, and monthly spend.

CREATE TABLE salesops.activities (
    org_id      bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    external_id text NOT NULL,
    rep_id      bigint NOT NULL,
    kind        text NOT NULL,
    occurred_at timestamptz NOT NULL,
    lead_id     bigint,
    account_id  bigint,
    deal_id     bigint,
    outcome     text NOT NULL DEFAULT 'none',
    PRIMARY KEY (org_id, id),
    CONSTRAINT activities_external_id_key UNIQUE (org_id, external_id),
    CONSTRAINT activities_rep_fkey FOREIGN KEY (org_id, rep_id) REFERENCES salesops.reps (org_id, id),
    CONSTRAINT activities_lead_fkey FOREIGN KEY (org_id, lead_id) REFERENCES salesops.leads (org_id, id),
    CONSTRAINT activities_account_fkey FOREIGN KEY (org_id, account_id) REFERENCES salesops.accounts (org_id, id),
    CONSTRAINT activities_deal_fkey FOREIGN KEY (org_id, deal_id) REFERENCES salesops.deals (org_id, id),
    CONSTRAINT activities_kind_valid CHECK (kind IN ('call', 'email', 'meeting', 'demo', 'proposal', 'other')),
    CONSTRAINT activities_outcome_valid CHECK (outcome IN
        ('none', 'positive_reply', 'negative_reply', 'accepted', 'declined', 'completed', 'no_show')),
    CONSTRAINT activities_external_id_present CHECK (btrim(external_id) <> '')
);
CREATE INDEX activities_rep_occurred_idx ON salesops.activities (org_id, rep_id, occurred_at);

CREATE TABLE salesops.survey_responses (
    org_id       bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    external_id  text NOT NULL,
    kind         text NOT NULL,
    score        smallint NOT NULL,
    responded_at timestamptz NOT NULL,
    account_id   bigint,
    rep_id       bigint,
    PRIMARY KEY (org_id, id),
    CONSTRAINT survey_responses_external_id_key UNIQUE (org_id, external_id),
    CONSTRAINT survey_responses_account_fkey FOREIGN KEY (org_id, account_id) REFERENCES salesops.accounts (org_id, id),
    CONSTRAINT survey_responses_rep_fkey FOREIGN KEY (org_id, rep_id) REFERENCES salesops.reps (org_id, id),
    CONSTRAINT survey_responses_kind_valid CHECK (kind IN ('nps', 'csat', 'enps')),
    CONSTRAINT survey_responses_score_range CHECK (
        (kind IN ('nps', 'enps') AND score BETWEEN 0 AND 10) OR (kind = 'csat' AND score BETWEEN 1 AND 5)),
    CONSTRAINT survey_responses_external_id_present CHECK (btrim(external_id) <> '')
);

CREATE TABLE salesops.spend (
    org_id   bigint NOT NULL REFERENCES salesops.orgs (id) ON DELETE CASCADE,
    id       bigint GENERATED ALWAYS AS IDENTITY,
    month    date NOT NULL,
    channel  text NOT NULL,
    category text NOT NULL,
    amount   numeric(18, 2) NOT NULL,
    PRIMARY KEY (org_id, id),
    CONSTRAINT spend_month_channel_category_key UNIQUE (org_id, month, channel, category),
    CONSTRAINT spend_month_first_day CHECK (extract(day FROM month) = 1),
    CONSTRAINT spend_category_valid CHECK (category IN ('marketing', 'sales')),
    CONSTRAINT spend_amount_non_negative CHECK (amount >= 0),
    CONSTRAINT spend_channel_present CHECK (btrim(channel) <> '')
);
