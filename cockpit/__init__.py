"""数字驾驶舱: the Streamlit cockpit for officials (reads the product's database, never writes)."""
