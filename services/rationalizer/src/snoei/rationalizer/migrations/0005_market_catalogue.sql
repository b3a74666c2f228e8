-- The market catalogue: the products on the market (the Softwarecatalogus list "Alle
-- pakketten") with the reference components they realise. Global, not per landscape; an
-- upload replaces it as a whole, and its generation tells runs when to read it again.
CREATE TABLE market_products (
    position integer PRIMARY KEY,
    supplier text,
    product text NOT NULL,
    version text,
    status text,
    capability_ids text[] NOT NULL DEFAULT '{}',
    capability_names text[] NOT NULL DEFAULT '{}',
    product_id text,
    version_id text,
    url text
);

CREATE TABLE market_catalogue (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint NOT NULL,
    products integer NOT NULL,
    source text,
    uploaded_at timestamptz NOT NULL
);
